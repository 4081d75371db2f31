package dev.ballast.cache;

import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.favorite;
import static dev.ballast.Api.register;
import static dev.ballast.Api.uniqueName;
import static dev.ballast.Management.operator;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.Api.Account;
import dev.ballast.StatementsRun;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ReadCacheTest {

    @Inject
    MeterRegistry registry;

    @Test
    void aCachedAnonymousReadDoesNotTouchTheDatabase() {
        Account author = register("cached");
        String slug = createArticle(author, "Cached article", List.of());
        anonymous().get("/api/articles/" + slug).then().statusCode(200);
        anonymous().get("/api/articles/" + slug + "/comments").then().statusCode(200);
        anonymous().get("/api/profiles/" + author.username()).then().statusCode(200);
        anonymous().get("/api/tags").then().statusCode(200);
        anonymous().queryParam("author", author.username()).get("/api/articles").then().statusCode(200);

        long before = StatementsRun.soFar(registry);
        anonymous().get("/api/articles/" + slug).then().statusCode(200).body("article.slug", equalTo(slug));
        anonymous().get("/api/articles/" + slug + "/comments").then().statusCode(200);
        anonymous().get("/api/profiles/" + author.username()).then().statusCode(200);
        anonymous().get("/api/tags").then().statusCode(200);
        anonymous().queryParam("author", author.username()).get("/api/articles").then().statusCode(200);
        assertEquals(0, StatementsRun.soFar(registry) - before, "statements for five cached reads");
    }

    @Test
    void everyWriteIsVisibleOnTheNextRead() {
        Account author = register("writer");
        Account reader = register("reader");
        String tag = uniqueName("fresh");
        String slug = createArticle(author, "Fresh article", List.of(tag));
        anonymous().get("/api/articles/" + slug).then().body("article.favoritesCount", equalTo(0));
        anonymous().queryParam("tag", tag).get("/api/articles").then().body("articlesCount", equalTo(1));
        anonymous().get("/api/articles/" + slug + "/comments").then().body("comments.size()", equalTo(0));

        author.as().body(Map.of("article", Map.of("body", "updated body"))).put("/api/articles/" + slug).then().statusCode(200);
        anonymous().get("/api/articles/" + slug).then().body("article.body", equalTo("updated body"));

        favorite(reader, slug);
        anonymous().get("/api/articles/" + slug).then().body("article.favoritesCount", equalTo(1));
        anonymous().queryParam("tag", tag).get("/api/articles").then().body("articles[0].favoritesCount", equalTo(1));

        reader.as().body(Map.of("comment", Map.of("body", "first!"))).post("/api/articles/" + slug + "/comments");
        anonymous().get("/api/articles/" + slug + "/comments").then().body("comments.size()", equalTo(1));

        createArticle(author, "Second fresh article", List.of(tag));
        anonymous().queryParam("tag", tag).get("/api/articles").then().body("articlesCount", equalTo(2));

        author.as().body(Map.of("user", Map.of("bio", "new bio"))).put("/api/user").then().statusCode(200);
        anonymous().get("/api/profiles/" + author.username()).then().body("profile.bio", equalTo("new bio"));
        anonymous().get("/api/articles/" + slug).then().body("article.author.bio", equalTo("new bio"));

        author.as().delete("/api/articles/" + slug).then().statusCode(204);
        anonymous().get("/api/articles/" + slug).then().statusCode(404);
        anonymous().queryParam("tag", tag).get("/api/articles").then().body("articlesCount", equalTo(1));
    }

    @Test
    void anUpdateChangingNothingOthersSeeEmptiesNoSharedView() {
        Account author = register("quiet");
        String slug = createArticle(author, uniqueName("Quiet article"), List.of());
        String token = author.token();
        List<Map<String, String>> unseenChanges = List.of(Map.of("bio", ""), Map.of("image", " "),
                Map.of("username", author.username()), Map.of("email", uniqueName("moved") + "@example.com"),
                Map.of("password", "another long secret"), Map.of("bio", "", "image", ""));
        for (Map<String, String> change : unseenChanges) {
            anonymous().get("/api/articles/" + slug).then().statusCode(200);
            double misses = articleMisses();
            Account caller = new Account(author.username(), author.email(), token);
            token = caller.as().body(Map.of("user", change)).put("/api/user").then().statusCode(200).extract().path("user.token");
            anonymous().get("/api/articles/" + slug).then().statusCode(200);
            assertEquals(misses, articleMisses(), "article cache misses after " + change.keySet());
        }
    }

    @Test
    void aNewBioEmptiesOnlyTheViewsOfItsAuthor() {
        Account author = register("bio");
        Account other = register("neighbour");
        String own = createArticle(author, uniqueName("Own article"), List.of());
        String others = createArticle(other, uniqueName("Other article"), List.of());
        anonymous().get("/api/articles/" + own).then().statusCode(200);
        anonymous().get("/api/articles/" + others).then().statusCode(200);
        double misses = articleMisses();

        author.as().body(Map.of("user", Map.of("bio", "a new bio"))).put("/api/user").then().statusCode(200);
        anonymous().get("/api/articles/" + others).then().statusCode(200).body("article.author.bio", equalTo(null));
        assertEquals(misses, articleMisses(), "another author's article stays cached");
        anonymous().get("/api/articles/" + own).then().statusCode(200).body("article.author.bio", equalTo("a new bio"));
        assertTrue(articleMisses() > misses, "the author's own article is read again");
    }

    @Test
    void aNewUsernameShowsInEveryViewOfTheUser() {
        Account author = register("renamed");
        Account reader = register("reader");
        String slug = createArticle(author, uniqueName("Renamed article"), List.of());
        reader.as().body(Map.of("comment", Map.of("body", "hello"))).post("/api/articles/" + slug + "/comments").then().statusCode(200);
        author.as().body(Map.of("comment", Map.of("body", "thanks"))).post("/api/articles/" + slug + "/comments").then().statusCode(200);
        favorite(author, slug);
        String newName = uniqueName("newname");
        // Every view cached under the old name, and the views of the new one (empty, not found) asked for once.
        anonymous().get("/api/articles/" + slug).then().body("article.author.username", equalTo(author.username()));
        anonymous().get("/api/articles/" + slug + "/comments").then().body("comments.author.username", hasItem(author.username()));
        anonymous().get("/api/profiles/" + author.username()).then().statusCode(200);
        anonymous().get("/api/profiles/" + newName).then().statusCode(404);
        anonymous().queryParam("author", author.username()).get("/api/articles").then().body("articlesCount", equalTo(1));
        anonymous().queryParam("author", newName).get("/api/articles").then().body("articlesCount", equalTo(0));
        anonymous().queryParam("favorited", author.username()).get("/api/articles").then().body("articlesCount", equalTo(1));
        anonymous().queryParam("favorited", newName).get("/api/articles").then().body("articlesCount", equalTo(0));

        author.as().body(Map.of("user", Map.of("username", newName))).put("/api/user").then().statusCode(200);

        anonymous().get("/api/articles/" + slug).then().body("article.author.username", equalTo(newName));
        anonymous().get("/api/articles/" + slug + "/comments").then()
                .body("comments.author.username", containsInAnyOrder(newName, reader.username()));
        anonymous().get("/api/profiles/" + author.username()).then().statusCode(404);
        anonymous().get("/api/profiles/" + newName).then().statusCode(200).body("profile.username", equalTo(newName));
        anonymous().queryParam("author", author.username()).get("/api/articles").then().body("articlesCount", equalTo(0));
        anonymous().queryParam("author", newName).get("/api/articles").then().body("articlesCount", equalTo(1))
                .body("articles[0].author.username", equalTo(newName));
        anonymous().queryParam("favorited", author.username()).get("/api/articles").then().body("articlesCount", equalTo(0));
        anonymous().queryParam("favorited", newName).get("/api/articles").then().body("articlesCount", equalTo(1));
    }

    private double articleMisses() {
        return registry.get("cache.gets").tag("cache", ReadCaches.ARTICLE).tag("result", "miss").functionCounter().count();
    }

    @Test
    void aFailedLoadIsNotServedFromTheCache() {
        Account author = register("late");
        String title = uniqueName("Not yet written");
        String slug = title.toLowerCase().replace(' ', '-').replace('_', '-');
        anonymous().get("/api/articles/" + slug).then().statusCode(404);
        assertEquals(slug, createArticle(author, title, List.of()));
        anonymous().get("/api/articles/" + slug).then().statusCode(200).body("article.title", equalTo(title));
    }

    @Test
    void oneUsersFlagsNeverReachAnother() {
        Account author = register("flags");
        Account fan = register("fan");
        Account other = register("other");
        String slug = createArticle(author, "Flagged", List.of());
        dev.ballast.Api.follow(fan, author);
        favorite(fan, slug);

        fan.as().get("/api/articles/" + slug).then()
                .body("article.favorited", equalTo(true)).body("article.author.following", equalTo(true));
        anonymous().get("/api/articles/" + slug).then()
                .body("article.favorited", equalTo(false)).body("article.author.following", equalTo(false));
        other.as().get("/api/articles/" + slug).then()
                .body("article.favorited", equalTo(false)).body("article.author.following", equalTo(false));
        other.as().get("/api/profiles/" + author.username()).then().body("profile.following", equalTo(false));
        fan.as().get("/api/profiles/" + author.username()).then().body("profile.following", equalTo(true));
    }

    @Test
    void hitsAndMissesAreInTheMetrics() {
        anonymous().get("/api/tags").then().statusCode(200);
        anonymous().get("/api/tags").then().statusCode(200);
        operator().get("/q/metrics").then().statusCode(200)
                .body(containsString("cache_gets_total{cache=\"tags\",result=\"hit\"}"))
                .body(containsString("cache_gets_total{cache=\"tags\",result=\"miss\"}"))
                .body(containsString("ballast_db_query_seconds_count{statement=\"tag.popular\"}"))
                .body(containsString("sql_pool_queue_size"))
                .body(not(containsString("postgresql_")));
        anonymous().get("/api/tags").then().body("tags", org.hamcrest.Matchers.notNullValue());
    }
}

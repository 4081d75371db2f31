package dev.ballast.cache;

import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.favorite;
import static dev.ballast.Api.register;
import static dev.ballast.Api.uniqueName;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
        anonymous().get("/q/metrics").then().statusCode(200)
                .body(containsString("cache_gets_total{cache=\"tags\",result=\"hit\"}"))
                .body(containsString("cache_gets_total{cache=\"tags\",result=\"miss\"}"))
                .body(containsString("ballast_db_query_seconds_count{statement=\"tag.inUse\"}"))
                .body(containsString("sql_pool_queue_size"))
                .body(not(containsString("postgresql_")));
        anonymous().get("/api/tags").then().body("tags", org.hamcrest.Matchers.notNullValue());
    }
}

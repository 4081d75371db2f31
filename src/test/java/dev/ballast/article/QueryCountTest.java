package dev.ballast.article;

import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.favorite;
import static dev.ballast.Api.follow;
import static dev.ballast.Api.register;
import static dev.ballast.Api.uniqueName;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.Api.Account;
import dev.ballast.StatementsRun;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A page costs a fixed number of statements whatever its size: no query per article. A signed-in read is the
 * view every reader shares (one statement when it is not cached yet) plus the viewer's own flags (one
 * statement when they are not cached yet, after the viewer's own favorite or follow): at most two, and none
 * when both are cached. The feed is built from parts every reader shares (the followed authors' timelines, the
 * page's views) and the reader's flags: none when all are cached. Every write is one statement, whatever it
 * changes: its answer comes from that statement (its cache notice follows on a connection of its own, in a batch
 * shared with other writes, not counted here: {@code StatementsRun}); a new article with tags is preceded by one read, counting which of its
 * tags are new (an account's new tags are bounded: {@code tag.NewTags}).
 */
@QuarkusTest
class QueryCountTest {

    @Inject
    MeterRegistry registry;

    private void assertStatements(int expected, String what, Runnable request) {
        long before = StatementsRun.soFar(registry);
        request.run();
        assertEquals(expected, StatementsRun.soFar(registry) - before, "statements for " + what);
    }

    @Test
    void signedInPagesCostAtMostTwoStatementsAndNoneWhenCached() {
        Account reader = register("counter");
        String tag = uniqueName("counted");
        String slug = null;
        Account lastAuthor = null;
        for (int i = 0; i < 20; i++) {
            lastAuthor = register("author" + i);
            follow(reader, lastAuthor);
            slug = createArticle(lastAuthor, "Counted " + i, List.of(tag, "extra" + i));
            favorite(reader, slug);
        }
        lastAuthor.as().body(Map.of("comment", Map.of("body", "first"))).post("/api/articles/" + slug + "/comments")
                .then().statusCode(200);
        Function<RequestSpecification, RequestSpecification> byTag = request -> request.queryParam("tag", tag).queryParam("limit", 20);

        Account newcomer = register("newcomer");
        signedIn(newcomer);
        assertStatements(2, "a signed-in list page not cached yet, by a viewer whose flags are not either", () ->
                byTag.apply(newcomer.as()).get("/api/articles").then().statusCode(200)
                        .body("articles.size()", equalTo(20)).body("articlesCount", equalTo(20))
                        .body("articles.favorited", everyItem(equalTo(false))));
        assertStatements(0, "a signed-in list page cached, and the viewer's flags", () ->
                byTag.apply(newcomer.as()).get("/api/articles").then().statusCode(200).body("articles.size()", equalTo(20)));
        byTag.apply(reader.as()).get("/api/articles").then().statusCode(200)
                .body("articles.favorited", everyItem(equalTo(true)))
                .body("articles.author.following", everyItem(equalTo(true)));
        assertStatements(0, "the same page for another viewer, whose flags are cached", () ->
                byTag.apply(reader.as()).get("/api/articles").then().statusCode(200)
                        .body("articles.favorited", everyItem(equalTo(true))));
        // A favorite empties only the lists that show its article (or list its user's favorites): not this page.
        String elsewhere = createArticle(register("elsewhere"), "Not on the page", List.of(uniqueName("elsewhere")));
        byTag.apply(reader.as()).get("/api/articles").then().statusCode(200); // a new article empties every list: fill it again
        favorite(reader, elsewhere);
        assertStatements(1, "a signed-in list page still cached after a favorite of an article it does not show"
                + " (only the viewer's own flags, which their favorite emptied, load again)", () ->
                byTag.apply(reader.as()).get("/api/articles").then().statusCode(200).body("articles.size()", equalTo(20)));
        assertStatements(0, "an anonymous list page cached", () ->
                byTag.apply(anonymous()).get("/api/articles").then().statusCode(200)
                        .body("articles.favorited", everyItem(equalTo(false))));
        assertStatements(2, "a feed page not cached yet (the reader's flags are): the followed authors' timelines, the page's views", () ->
                reader.as().queryParam("limit", 20).get("/api/articles/feed").then().statusCode(200)
                        .body("articles.size()", equalTo(20)).body("articles.favorited", everyItem(equalTo(true))));
        assertStatements(0, "a feed page cached", () ->
                reader.as().queryParam("limit", 20).get("/api/articles/feed").then().statusCode(200)
                        .body("articles.size()", equalTo(20)).body("articles.favorited", everyItem(equalTo(true))));

        // A profile change empties every shared view (it shows in all of them): the next reads load them again.
        reader.as().body(Map.of("user", Map.of("bio", "counting"))).put("/api/user").then().statusCode(200);
        String article = "/api/articles/" + slug;
        assertStatements(1, "a signed-in article not cached yet (the viewer's flags are)", () ->
                reader.as().get(article).then().statusCode(200).body("article.favorited", equalTo(true)));
        assertStatements(0, "a signed-in article cached", () ->
                reader.as().get(article).then().statusCode(200).body("article.author.following", equalTo(true)));
        assertStatements(1, "signed-in comments not cached yet", () ->
                reader.as().get(article + "/comments").then().statusCode(200).body("comments[0].author.following", equalTo(true)));
        assertStatements(0, "signed-in comments cached", () ->
                reader.as().get(article + "/comments").then().statusCode(200).body("comments.size()", equalTo(1)));
        String profile = "/api/profiles/" + lastAuthor.username();
        assertStatements(1, "a signed-in profile not cached yet", () ->
                reader.as().get(profile).then().statusCode(200).body("profile.following", equalTo(true)));
        assertStatements(0, "a signed-in profile cached", () ->
                reader.as().get(profile).then().statusCode(200).body("profile.following", equalTo(true)));
    }

    @Test
    void aFeedPageIsBuiltFromPartsEveryReaderShares() {
        List<Account> authors = List.of(register("columnist"), register("columnist"), register("columnist"));
        Account reader = register("subscriber");
        Account neighbour = register("subscriber");
        for (Account author : authors) {
            follow(reader, author);
            follow(neighbour, author);
            createArticle(author, "Column one", List.of());
            createArticle(author, "Column two", List.of());
        }
        assertStatements(3, "a cold feed page: the reader's flags, the followed authors' timelines, the page's views", () ->
                reader.as().queryParam("limit", 4).get("/api/articles/feed").then().statusCode(200)
                        .body("articles.size()", equalTo(4)).body("articlesCount", equalTo(6)));
        assertStatements(0, "the same feed page warm", () ->
                reader.as().queryParam("limit", 4).get("/api/articles/feed").then().statusCode(200).body("articles.size()", equalTo(4)));
        assertStatements(1, "another reader of the same authors: only their own flags", () ->
                neighbour.as().queryParam("limit", 4).get("/api/articles/feed").then().statusCode(200)
                        .body("articles.author.following", everyItem(equalTo(true))));
        assertStatements(1, "the next page: only the views it adds", () ->
                reader.as().queryParam("limit", 4).queryParam("offset", 4).get("/api/articles/feed").then().statusCode(200)
                        .body("articles.size()", equalTo(2)));
        createArticle(authors.get(0), "Column three", List.of());
        assertStatements(2, "after an author's new article: their timeline and the new article's view", () ->
                reader.as().queryParam("limit", 4).get("/api/articles/feed").then().statusCode(200)
                        .body("articles[0].title", equalTo("Column three")).body("articlesCount", equalTo(7)));
    }

    @Test
    void everyWriteIsOneStatement() {
        Account author = register("writer");
        Account reader = register("fan");
        signedIn(author);
        signedIn(reader);
        String tag = uniqueName("fresh");
        String[] slug = new String[1];
        assertStatements(1, "an article created without tags", () -> author.as()
                .body(Map.of("article", Map.of("title", "No tags", "description", "d", "body", "b"))).post("/api/articles")
                .then().statusCode(201));
        assertStatements(2, "an article created with a new tag: which of its tags are new, then the write", () -> slug[0] = author.as()
                .body(Map.of("article", Map.of("title", "One trip", "description", "d", "body", "b", "tagList", List.of(tag, "dragons"))))
                .post("/api/articles").then().statusCode(201).body("article.tagList", contains(tag, "dragons"))
                .extract().path("article.slug"));
        assertStatements(1, "an article updated with a new title (a new slug)", () -> slug[0] = author.as()
                .body(Map.of("article", Map.of("title", "One trip, renamed " + tag))).put("/api/articles/" + slug[0])
                .then().statusCode(200).body("article.title", equalTo("One trip, renamed " + tag)).extract().path("article.slug"));
        String article = "/api/articles/" + slug[0];
        assertStatements(1, "a favorite", () -> reader.as().post(article + "/favorite").then().statusCode(200)
                .body("article.favorited", equalTo(true)).body("article.favoritesCount", equalTo(1)));
        assertStatements(1, "a repeated favorite", () -> reader.as().post(article + "/favorite").then().statusCode(200)
                .body("article.favoritesCount", equalTo(1)));
        assertStatements(1, "an unfavorite", () -> reader.as().delete(article + "/favorite").then().statusCode(200)
                .body("article.favorited", equalTo(false)).body("article.favoritesCount", equalTo(0)));
        String profile = "/api/profiles/" + author.username() + "/follow";
        assertStatements(1, "a follow", () -> reader.as().post(profile).then().statusCode(200).body("profile.following", equalTo(true)));
        assertStatements(1, "an unfollow", () -> reader.as().delete(profile).then().statusCode(200).body("profile.following", equalTo(false)));
        int[] comment = new int[1];
        assertStatements(1, "a comment added", () -> comment[0] = reader.as().body(Map.of("comment", Map.of("body", "one trip")))
                .post(article + "/comments").then().statusCode(200).body("comment.author.username", equalTo(reader.username()))
                .extract().path("comment.id"));
        assertStatements(1, "a comment deleted", () -> reader.as().delete(article + "/comments/" + comment[0]).then().statusCode(204));
        assertStatements(1, "an article deleted", () -> author.as().delete(article).then().statusCode(204));
    }

    /**
     * A first signed-in request, so that the account's token generation (checked on every signed-in request, one
     * cached read per user) is cached before statements are counted.
     */
    private static void signedIn(Account account) {
        account.as().get("/api/user").then().statusCode(200);
    }
}

package dev.ballast.viewer;

import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.favorite;
import static dev.ballast.Api.follow;
import static dev.ballast.Api.register;
import static dev.ballast.Api.uniqueName;
import static org.hamcrest.Matchers.equalTo;

import dev.ballast.Api.Account;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Signed-in readers share the cached views and get only their own flags on top: a viewer's favorite or follow
 * shows in their very next read of every view (article, list, feed, comments, profile), and never in anyone
 * else's; the counts everyone shares follow at once.
 */
@QuarkusTest
class ViewerFlagsTest {

    private record Views(String slug, String tag, Account author) {
    }

    @Test
    void aViewersOwnFlagsShowAtOnceAndNowhereElse() {
        Account author = register("flagged");
        Account alice = register("alice");
        Account bob = register("bob");
        String tag = uniqueName("flags");
        Views views = new Views(createArticle(author, "Flags " + tag, List.of(tag)), tag, author);
        author.as().body(Map.of("comment", Map.of("body", "mine"))).post("/api/articles/" + views.slug() + "/comments")
                .then().statusCode(200);

        // Everyone reads once, so that every view is cached before the writes.
        String alicesFavorites = "/api/articles?favorited=" + alice.username();
        anonymous().get(alicesFavorites).then().statusCode(200).body("articlesCount", equalTo(0));
        assertSees(alice::as, views, false, false, 0);
        assertSees(bob::as, views, false, false, 0);
        assertSees(() -> anonymous(), views, false, false, 0);

        favorite(alice, views.slug());
        follow(alice, author);
        assertSees(alice::as, views, true, true, 1);
        assertSees(bob::as, views, false, false, 1);
        assertSees(() -> anonymous(), views, false, false, 1);
        anonymous().get(alicesFavorites).then().statusCode(200).body("articlesCount", equalTo(1))
                .body("articles[0].slug", equalTo(views.slug()));
        alice.as().queryParam("limit", 20).get("/api/articles/feed").then().statusCode(200)
                .body("articles[0].slug", equalTo(views.slug())).body("articles[0].favorited", equalTo(true));

        favorite(bob, views.slug());
        assertSees(bob::as, views, true, false, 2);
        assertSees(alice::as, views, true, true, 2);

        alice.as().delete("/api/articles/" + views.slug() + "/favorite").then().statusCode(200)
                .body("article.favorited", equalTo(false)).body("article.favoritesCount", equalTo(1))
                .body("article.author.following", equalTo(true));
        alice.as().delete("/api/profiles/" + author.username() + "/follow").then().statusCode(200)
                .body("profile.following", equalTo(false));
        assertSees(alice::as, views, false, false, 1);
        assertSees(bob::as, views, true, false, 1);
        anonymous().get(alicesFavorites).then().statusCode(200).body("articlesCount", equalTo(0));
        alice.as().queryParam("limit", 20).get("/api/articles/feed").then().statusCode(200).body("articlesCount", equalTo(0));
    }

    /** Every view of the article, its author and its comments, as this caller sees it. */
    private static void assertSees(Supplier<RequestSpecification> caller, Views views, boolean favorited, boolean following,
                                   int favoritesCount) {
        String article = "/api/articles/" + views.slug();
        caller.get().get(article).then().statusCode(200)
                .body("article.favorited", equalTo(favorited)).body("article.favoritesCount", equalTo(favoritesCount))
                .body("article.author.following", equalTo(following));
        caller.get().queryParam("tag", views.tag()).get("/api/articles").then().statusCode(200)
                .body("articles[0].favorited", equalTo(favorited)).body("articles[0].favoritesCount", equalTo(favoritesCount))
                .body("articles[0].author.following", equalTo(following));
        caller.get().queryParam("author", views.author().username()).get("/api/articles").then().statusCode(200)
                .body("articles[0].favorited", equalTo(favorited)).body("articles[0].author.following", equalTo(following));
        caller.get().get(article + "/comments").then().statusCode(200).body("comments[0].author.following", equalTo(following));
        caller.get().get("/api/profiles/" + views.author().username()).then().statusCode(200)
                .body("profile.following", equalTo(following));
    }
}

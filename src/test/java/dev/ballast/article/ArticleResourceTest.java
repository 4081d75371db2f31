package dev.ballast.article;

import static dev.ballast.Api.TIMESTAMP;
import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.favorite;
import static dev.ballast.Api.register;
import static dev.ballast.Api.uniqueName;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.ballast.Api.Account;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ArticleResourceTest {


    private static Map<String, Object> article(Map<String, Object> fields) {
        return Map.of("article", fields);
    }

    @Test
    void createReturnsTheWholeArticle() {
        Account author = register("writer");
        author.as().body(article(Map.of("title", "How to train your dragon", "description", "Ever wonder how?",
                        "body", "Very carefully.", "tagList", List.of("training", "dragons"))))
                .post("/api/articles")
                .then().statusCode(201)
                .body("article.slug", startsWith("how-to-train-your-dragon"))
                .body("article.title", equalTo("How to train your dragon"))
                .body("article.description", equalTo("Ever wonder how?"))
                .body("article.body", equalTo("Very carefully."))
                .body("article.tagList", contains("training", "dragons"))
                .body("article.createdAt", matchesPattern(TIMESTAMP))
                .body("article.updatedAt", matchesPattern(TIMESTAMP))
                .body("article.favorited", equalTo(false))
                .body("article.favoritesCount", equalTo(0))
                .body("article.author.username", equalTo(author.username()))
                .body("article.author.following", equalTo(false));
    }

    @Test
    void tagsKeepTheOrderTheAuthorGaveThem() {
        Account author = register("orderly");
        String zebra = uniqueName("zebra");
        String apple = uniqueName("apple");
        String mango = uniqueName("mango");
        String slug = createArticle(author, "Ordered tags", List.of(zebra, apple, mango));
        String reversed = createArticle(author, "Reversed tags", List.of(mango, apple, zebra));

        anonymous().get("/api/articles/" + slug).then().statusCode(200).body("article.tagList", contains(zebra, apple, mango));
        anonymous().get("/api/articles/" + reversed).then().body("article.tagList", contains(mango, apple, zebra));
        anonymous().queryParam("tag", apple).get("/api/articles").then().statusCode(200)
                .body("articles.slug", contains(reversed, slug))
                .body("articles[0].tagList", contains(mango, apple, zebra))
                .body("articles[1].tagList", contains(zebra, apple, mango));
        author.as().get("/api/articles?author=" + author.username()).then()
                .body("articles[1].tagList", contains(zebra, apple, mango));
        author.as().body(article(Map.of("title", "Still ordered"))).put("/api/articles/" + slug)
                .then().statusCode(200).body("article.tagList", contains(zebra, apple, mango));
    }

    @Test
    void createValidatesEveryFieldAndNeedsAToken() {
        Account author = register("careless");
        author.as().body(article(Map.of("tagList", List.of(" ")))).post("/api/articles")
                .then().statusCode(422)
                .body("errors.body", containsInAnyOrder("title can't be blank", "description can't be blank",
                        "body can't be blank", "tag can't be blank"));
        author.as().body(article(Map.of("title", "t", "description", "d", "body", "b",
                        "tagList", List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"))))
                .post("/api/articles")
                .then().statusCode(422).body("errors.body", contains("tagList has too many tags (maximum is 10)"));
        author.as().body(article(Map.of("title", "x".repeat(301), "description", "d", "body", "b")))
                .post("/api/articles")
                .then().statusCode(422).body("errors.body", contains("title is too long (maximum is 300 characters)"));
        author.as().body(article(Map.of("title", "t", "description", "d", "body", "b", "tagList", "not-a-list")))
                .post("/api/articles")
                .then().statusCode(422).body("errors.body", contains("article.tagList has the wrong type or shape"));
        anonymous().body(article(Map.of("title", "t", "description", "d", "body", "b"))).post("/api/articles")
                .then().statusCode(401);
    }

    @Test
    void slugsAreUniqueAndUrlSafeForAnyTitle() {
        Account author = register("slugger");
        String first = createArticle(author, "Same Title", List.of());
        String second = createArticle(author, "Same Title", List.of());
        assertNotEquals(first, second);
        anonymous().get("/api/articles/" + first).then().statusCode(200).body("article.slug", equalTo(first));
        anonymous().get("/api/articles/" + second).then().statusCode(200).body("article.slug", equalTo(second));

        for (String title : List.of("Ünïcödé Straße Œuvre", "中文标题", "Привет, мир!", "   ?!?   ", "emoji 🐉 dragons")) {
            String slug = createArticle(author, title, List.of());
            org.hamcrest.MatcherAssert.assertThat(slug, matchesPattern("[a-z0-9]+(-[a-z0-9]+)*"));
            anonymous().get("/api/articles/" + slug).then().statusCode(200).body("article.title", equalTo(title.trim()));
        }
    }

    @Test
    void unknownSlugIs404() {
        anonymous().get("/api/articles/no-such-article").then().statusCode(404)
                .body("errors.body", contains("article not found"));
    }

    @Test
    void onlyTheAuthorMayUpdateAndANewTitleGivesANewSlug() {
        Account author = register("editor");
        Account other = register("vandal");
        String slug = createArticle(author, "Original title", List.of("keep"));

        other.as().body(article(Map.of("body", "defaced"))).put("/api/articles/" + slug)
                .then().statusCode(403).body("errors.body", contains("only the author may change this article"));
        anonymous().body(article(Map.of("body", "defaced"))).put("/api/articles/" + slug).then().statusCode(401);
        author.as().body(article(Map.of("body", "x"))).put("/api/articles/no-such-article").then().statusCode(404);
        author.as().body(article(Map.of())).put("/api/articles/" + slug)
                .then().statusCode(422)
                .body("errors.body", contains("article must contain at least one of title, description, body"));

        author.as().body(article(Map.of("body", "With two hands"))).put("/api/articles/" + slug)
                .then().statusCode(200)
                .body("article.slug", equalTo(slug))
                .body("article.body", equalTo("With two hands"))
                .body("article.title", equalTo("Original title"))
                .body("article.tagList", contains("keep"));

        String newSlug = author.as().body(article(Map.of("title", "A better title"))).put("/api/articles/" + slug)
                .then().statusCode(200)
                .body("article.title", equalTo("A better title"))
                .body("article.body", equalTo("With two hands"))
                .extract().path("article.slug");
        org.hamcrest.MatcherAssert.assertThat(newSlug, startsWith("a-better-title"));
        anonymous().get("/api/articles/" + slug).then().statusCode(404);
        anonymous().get("/api/articles/" + newSlug).then().statusCode(200);
    }

    @Test
    void onlyTheAuthorMayDelete() {
        Account author = register("deleter");
        Account other = register("intruder");
        String slug = createArticle(author, "Short lived", List.of());
        other.as().delete("/api/articles/" + slug).then().statusCode(403);
        anonymous().delete("/api/articles/" + slug).then().statusCode(401);
        author.as().delete("/api/articles/" + slug).then().statusCode(204);
        anonymous().get("/api/articles/" + slug).then().statusCode(404);
        author.as().delete("/api/articles/" + slug).then().statusCode(404);
    }

    @Test
    void favoritesCountForEveryoneButTheFlagIsPerUser() {
        Account author = register("popular");
        Account fan = register("fan");
        Account other = register("other");
        String slug = createArticle(author, "Favorite me", List.of());
        String favorite = "/api/articles/" + slug + "/favorite";

        fan.as().post(favorite).then().statusCode(200)
                .body("article.favorited", equalTo(true)).body("article.favoritesCount", equalTo(1));
        fan.as().post(favorite).then().statusCode(200).body("article.favoritesCount", equalTo(1));
        other.as().get("/api/articles/" + slug).then()
                .body("article.favorited", equalTo(false)).body("article.favoritesCount", equalTo(1));
        anonymous().get("/api/articles/" + slug).then().body("article.favorited", equalTo(false));

        fan.as().delete(favorite).then().statusCode(200)
                .body("article.favorited", equalTo(false)).body("article.favoritesCount", equalTo(0));
        fan.as().delete(favorite).then().statusCode(200).body("article.favoritesCount", equalTo(0));

        anonymous().post(favorite).then().statusCode(401);
        fan.as().post("/api/articles/no-such-article/favorite").then().statusCode(404);
        fan.as().delete("/api/articles/no-such-article/favorite").then().statusCode(404);
    }

    @Test
    void listIsNewestFirstWithTheTotalCountAndNoBodies() {
        Account author = register("prolific");
        String tag = uniqueName("paged");
        for (int i = 1; i <= 5; i++) {
            createArticle(author, "Paged " + i, List.of(tag));
        }
        anonymous().queryParam("tag", tag).queryParam("limit", 2).get("/api/articles")
                .then().statusCode(200)
                .body("articlesCount", equalTo(5))
                .body("articles.title", contains("Paged 5", "Paged 4"))
                .body("articles[0]", not(hasKey("body")));
        anonymous().queryParam("tag", tag).queryParam("limit", 2).queryParam("offset", 4).get("/api/articles")
                .then().body("articlesCount", equalTo(5)).body("articles.title", contains("Paged 1"));
        anonymous().queryParam("tag", tag).queryParam("offset", 50).get("/api/articles")
                .then().statusCode(200).body("articlesCount", equalTo(5)).body("articles", empty());
    }

    @Test
    void filtersCombine() {
        Account alice = register("alice");
        Account bob = register("bob");
        Account carol = register("carol");
        String tag = uniqueName("combo");
        String aliceTagged = createArticle(alice, "Alice tagged", List.of(tag));
        createArticle(alice, "Alice untagged", List.of());
        String bobTagged = createArticle(bob, "Bob tagged", List.of(tag));
        favorite(carol, aliceTagged);
        favorite(carol, bobTagged);

        anonymous().queryParam("author", alice.username()).get("/api/articles")
                .then().body("articlesCount", equalTo(2));
        anonymous().queryParam("tag", tag).get("/api/articles")
                .then().body("articlesCount", equalTo(2)).body("articles.title", contains("Bob tagged", "Alice tagged"));
        anonymous().queryParam("favorited", carol.username()).get("/api/articles")
                .then().body("articlesCount", equalTo(2));
        anonymous().queryParam("tag", tag).queryParam("author", alice.username()).get("/api/articles")
                .then().body("articlesCount", equalTo(1)).body("articles.title", contains("Alice tagged"));
        anonymous().queryParam("favorited", carol.username()).queryParam("author", bob.username())
                .queryParam("tag", tag).get("/api/articles")
                .then().body("articlesCount", equalTo(1)).body("articles.title", contains("Bob tagged"));
        anonymous().queryParam("author", "nobody-by-this-name").get("/api/articles")
                .then().statusCode(200).body("articlesCount", equalTo(0)).body("articles", empty());
        carol.as().queryParam("favorited", carol.username()).get("/api/articles")
                .then().body("articles.favorited", contains(true, true));
        alice.as().queryParam("favorited", carol.username()).get("/api/articles")
                .then().body("articles.favorited", contains(false, false));
    }

    @Test
    void pageBoundsAreEnforced() {
        for (String limit : List.of("0", "-1", "101", "abc", "99999999999")) {
            anonymous().queryParam("limit", limit).get("/api/articles")
                    .then().statusCode(422).body("errors.body[0]", startsWith("limit must be"));
        }
        for (String offset : List.of("-1", "100001", "x")) {
            anonymous().queryParam("offset", offset).get("/api/articles")
                    .then().statusCode(422).body("errors.body[0]", startsWith("offset must be"));
        }
        anonymous().queryParam("limit", 100).queryParam("offset", 100000).get("/api/articles").then().statusCode(200);
    }

    @Test
    void feedHasOnlyFollowedAuthorsNewestFirst() {
        Account reader = register("reader");
        Account followed = register("followed");
        Account ignored = register("ignored");
        anonymous().get("/api/articles/feed").then().statusCode(401);
        reader.as().get("/api/articles/feed").then().statusCode(200)
                .body("articlesCount", equalTo(0)).body("articles", empty());

        dev.ballast.Api.follow(reader, followed);
        createArticle(followed, "Followed old", List.of());
        createArticle(ignored, "Ignored", List.of());
        createArticle(followed, "Followed new", List.of());

        reader.as().get("/api/articles/feed").then().statusCode(200)
                .body("articlesCount", equalTo(2))
                .body("articles.title", contains("Followed new", "Followed old"))
                .body("articles.author.following", contains(true, true));
        reader.as().queryParam("limit", 1).queryParam("offset", 1).get("/api/articles/feed")
                .then().body("articlesCount", equalTo(2)).body("articles.title", contains("Followed old"));
        reader.as().queryParam("limit", 0).get("/api/articles/feed").then().statusCode(422);
        reader.as().get("/api/articles").then().body("articles.title", hasItem("Ignored"));
    }
}

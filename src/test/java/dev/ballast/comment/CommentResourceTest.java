package dev.ballast.comment;

import static dev.ballast.Api.TIMESTAMP;
import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.follow;
import static dev.ballast.Api.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

import dev.ballast.Api.Account;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class CommentResourceTest {

    private static Map<String, Object> comment(String body) {
        return Map.of("comment", Map.of("body", body));
    }

    private static int addComment(Account author, String slug, String body) {
        return author.as().body(comment(body)).post("/api/articles/" + slug + "/comments")
                .then().statusCode(200).extract().path("comment.id");
    }

    @Test
    void addReturnsTheCommentWithItsAuthor() {
        Account author = register("author");
        Account commenter = register("commenter");
        String slug = createArticle(author, "Discuss", List.of());
        commenter.as().body(comment("Thank you so much!")).post("/api/articles/" + slug + "/comments")
                .then().statusCode(200)
                .body("comment.id", notNullValue())
                .body("comment.body", equalTo("Thank you so much!"))
                .body("comment.createdAt", matchesPattern(TIMESTAMP))
                .body("comment.author.username", equalTo(commenter.username()))
                .body("comment.author.following", equalTo(false));
    }

    @Test
    void listIsNewestFirstWithFollowingPerViewer() {
        Account author = register("author");
        Account first = register("first");
        Account second = register("second");
        Account reader = register("reader");
        String slug = createArticle(author, "Busy thread", List.of());
        anonymous().get("/api/articles/" + slug + "/comments").then().statusCode(200).body("comments", empty());

        addComment(first, slug, "one");
        addComment(second, slug, "two");
        follow(reader, second);

        anonymous().get("/api/articles/" + slug + "/comments")
                .then().statusCode(200)
                .body("comments.body", contains("two", "one"))
                .body("comments.author.following", contains(false, false));
        reader.as().get("/api/articles/" + slug + "/comments")
                .then().body("comments.author.following", contains(true, false));
    }

    /** 45 comments of 5,000 characters: the newest 40 fit in the 200,000 characters one answer lists (COMMENTS_PAGE_CHARS_MAX). */
    @Test
    void longCommentsAreListedNewestFirstUpToTheCharactersOfOneAnswer() {
        Account author = register("author");
        String slug = createArticle(author, "Long thread", List.of());
        for (int i = 0; i < 45; i++) {
            addComment(author, slug, String.format("%02d", i) + "本".repeat(4998));
        }
        List<String> bodies = anonymous().get("/api/articles/" + slug + "/comments").then().statusCode(200)
                .extract().path("comments.body");
        assertEquals(40, bodies.size());
        assertEquals("44", bodies.get(0).substring(0, 2), "newest first");
        assertEquals("05", bodies.get(39).substring(0, 2));
    }

    @Test
    void commentsNeedAnArticleABodyAndAToken() {
        Account author = register("author");
        String slug = createArticle(author, "Quiet", List.of());
        anonymous().get("/api/articles/no-such-article/comments").then().statusCode(404)
                .body("errors.body", contains("article not found"));
        author.as().body(comment("hello")).post("/api/articles/no-such-article/comments").then().statusCode(404);
        author.as().body(comment("  ")).post("/api/articles/" + slug + "/comments")
                .then().statusCode(422).body("errors.body", contains("body can't be blank"));
        author.as().body(comment("x".repeat(5001))).post("/api/articles/" + slug + "/comments")
                .then().statusCode(422).body("errors.body", contains("body is too long (maximum is 5000 characters)"));
        author.as().body(Map.of()).post("/api/articles/" + slug + "/comments")
                .then().statusCode(422).body("errors.body", contains("comment is required"));
        anonymous().body(comment("hello")).post("/api/articles/" + slug + "/comments").then().statusCode(401);
    }

    @Test
    void onlyTheCommenterMayDeleteAndOnlyOnItsArticle() {
        Account author = register("author");
        Account commenter = register("commenter");
        String slug = createArticle(author, "Moderated", List.of());
        String otherSlug = createArticle(author, "Elsewhere", List.of());
        int id = addComment(commenter, slug, "mine");

        author.as().delete("/api/articles/" + slug + "/comments/" + id).then().statusCode(403)
                .body("errors.body", contains("only the author may delete this comment"));
        anonymous().delete("/api/articles/" + slug + "/comments/" + id).then().statusCode(401);
        commenter.as().delete("/api/articles/" + otherSlug + "/comments/" + id).then().statusCode(404)
                .body("errors.body", contains("comment not found"));
        commenter.as().delete("/api/articles/" + slug + "/comments/999999999").then().statusCode(404);
        commenter.as().delete("/api/articles/" + slug + "/comments/not-a-number").then().statusCode(404);

        commenter.as().delete("/api/articles/" + slug + "/comments/" + id).then().statusCode(204);
        anonymous().get("/api/articles/" + slug + "/comments").then().body("comments", empty());
        commenter.as().delete("/api/articles/" + slug + "/comments/" + id).then().statusCode(404);
    }

    @Test
    void deletingAnArticleDeletesItsComments() {
        Account author = register("author");
        String slug = createArticle(author, "Doomed", List.of());
        addComment(author, slug, "soon gone");
        author.as().delete("/api/articles/" + slug).then().statusCode(204);
        anonymous().get("/api/articles/" + slug + "/comments").then().statusCode(404);
    }
}

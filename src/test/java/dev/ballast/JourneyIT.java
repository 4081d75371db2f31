package dev.ballast;

import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.register;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.ballast.Api.Account;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The end-to-end path against the packaged service: register, write, comment, favorite, read the feed. */
@QuarkusIntegrationTest
class JourneyIT {

    @Test
    void registerWriteCommentFavoriteAndReadTheFeed() {
        Account author = register("author");
        Account reader = register("reader");

        String slug = createArticle(author, "A journey", List.of("travel"));
        reader.as().body(Map.of("comment", Map.of("body", "Lovely trip")))
                .post("/api/articles/" + slug + "/comments")
                .then().statusCode(200).body("comment.author.username", equalTo(reader.username()));
        reader.as().post("/api/articles/" + slug + "/favorite")
                .then().statusCode(200).body("article.favorited", equalTo(true)).body("article.favoritesCount", equalTo(1));
        reader.as().post("/api/profiles/" + author.username() + "/follow")
                .then().statusCode(200).body("profile.following", equalTo(true));

        reader.as().get("/api/articles/feed")
                .then().statusCode(200)
                .body("articlesCount", equalTo(1))
                .body("articles.slug", contains(slug))
                .body("articles[0].favorited", equalTo(true))
                .body("articles[0].author.following", equalTo(true));
        anonymous().get("/api/articles/" + slug + "/comments").then().statusCode(200)
                .body("comments.body", contains("Lovely trip"));
        anonymous().get("/api/tags").then().statusCode(200).body("tags", hasItem("travel"));
        anonymous().get("/q/swagger-ui/").then().statusCode(200);
        anonymous().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'database' }.status", equalTo("UP"));
    }
}

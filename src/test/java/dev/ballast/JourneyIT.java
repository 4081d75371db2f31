package dev.ballast;

import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.PASSWORD;
import static dev.ballast.Api.register;
import static dev.ballast.Api.uniqueName;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.Api.Account;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end path against the packaged service: register, write, comment, favorite, read the feed; its readiness
 * on the management port, not on the API's.
 */
@QuarkusIntegrationTest
@WithTestResource(ManagementPortResource.class)
class JourneyIT {

    @Test
    void registerWriteCommentFavoriteAndReadTheFeed() throws InterruptedException {
        servedOnceWarm();
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
        Management.operator().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'database' }.status", equalTo("UP"));
        anonymous().get("/q/health/ready").then().statusCode(404);
        anonymous().get("/q/metrics").then().statusCode(404);
    }

    /**
     * A JVM just started loads and compiles the request path on its first requests, and admission control answers
     * a request that waited past ADMISSION_QUEUE_TIMEOUT with 503 and Retry-After, as it must under load. The journey
     * starts once a registration is served, as a client honouring Retry-After (or a load balancer's warm-up) would.
     */
    private static void servedOnceWarm() throws InterruptedException {
        String username = uniqueName("warmup");
        Response answer = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            answer = anonymous().body(Map.of("user", Map.of("username", username, "email", username + "@example.com",
                    "password", PASSWORD))).post("/api/users");
            if (answer.statusCode() != 503) {
                break;
            }
            Thread.sleep(1000L * Long.parseLong(answer.header("Retry-After")));
        }
        assertEquals(201, answer.statusCode(), answer.asString());
    }
}

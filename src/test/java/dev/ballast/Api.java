package dev.ballast;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test helpers that act through the public API, as a client would. */
public final class Api {

    public static final String PASSWORD = "correct horse battery";

    /** How the API writes a moment: ISO 8601 in UTC, with milliseconds. */
    public static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    private Api() {
    }

    /** A username no other test uses. */
    public static String uniqueName(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    public record Account(String username, String email, String token) {
        public RequestSpecification as() {
            return given().header("Authorization", "Token " + token).contentType(ContentType.JSON);
        }
    }

    public static RequestSpecification anonymous() {
        return given().contentType(ContentType.JSON);
    }

    public static Account register(String prefix) {
        String username = uniqueName(prefix);
        String email = username + "@example.com";
        String token = anonymous()
                .body(Map.of("user", Map.of("username", username, "email", email, "password", PASSWORD)))
                .post("/api/users")
                .then().statusCode(201)
                .extract().path("user.token");
        return new Account(username, email, token);
    }

    /** Creates an article and returns its slug. */
    public static String createArticle(Account author, String title, List<String> tags) {
        return author.as()
                .body(Map.of("article", Map.of("title", title, "description", "about " + title,
                        "body", "The body of " + title, "tagList", tags)))
                .post("/api/articles")
                .then().statusCode(201)
                .extract().path("article.slug");
    }

    public static void follow(Account follower, Account followee) {
        follower.as().post("/api/profiles/" + followee.username() + "/follow").then().statusCode(200);
    }

    public static void favorite(Account user, String slug) {
        user.as().post("/api/articles/" + slug + "/favorite").then().statusCode(200);
    }
}

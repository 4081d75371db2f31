package dev.ballast.http;

import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.register;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.Api.Account;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every endpoint, fed every kind of broken body, answers a 4xx in the RealWorld shape: never a 5xx. */
@QuarkusTest
class NoServerErrorTest {

    private static final List<String> BODIES = List.of(
            "", "null", "[]", "{}", "\"text\"", "123", "true", "{\"user\":1}", "{\"user\":[]}", "{\"user\":null}",
            "{\"article\":\"x\"}", "{\"article\":{\"title\":[],\"tagList\":{}}}", "{\"article\":{\"tagList\":[null,1,{}]}}",
            "{\"comment\":{\"body\":{}}}", "{\"comment\":{\"body\":12345678901234567890}}",
            "{\"user\":{\"email\":\"a@b.c\",\"password\":1e400}}", "{\"user\":{\"username\":\"\\u0000\"}}",
            "{" + "\"a\":{".repeat(2000) + "}".repeat(2001), "{\"user\":{\"email\":\"" + "x".repeat(100_000) + "\"}}",
            "{\"unterminated", "\u00ff\u00fe\u0000garbage", "{\"user\":{\"bio\":\"nul \\u0000 inside\"}}",
            "{\"article\":{\"title\":\"t\\u0000\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[\"\\u0000\"]}}",
            "{\"comment\":{\"body\":\"\\u0000\"}}");

    @Test
    void brokenBodiesNeverCauseA5xx() {
        Account account = register("fuzz");
        String slug = createArticle(account, "Fuzzed", List.of("fuzz"));
        List<String[]> endpoints = List.of(
                new String[] {"POST", "/api/users"}, new String[] {"POST", "/api/users/login"},
                new String[] {"PUT", "/api/user"}, new String[] {"POST", "/api/articles"},
                new String[] {"PUT", "/api/articles/" + slug}, new String[] {"POST", "/api/articles/" + slug + "/comments"},
                new String[] {"POST", "/api/articles/" + slug + "/favorite"}, new String[] {"POST", "/api/profiles/" + account.username() + "/follow"});
        List<String> failures = new ArrayList<>();
        for (String[] endpoint : endpoints) {
            for (String body : BODIES) {
                for (boolean signedIn : new boolean[] {false, true}) {
                    RequestSpecification request = given().contentType("application/json")
                            .body(body.getBytes(StandardCharsets.ISO_8859_1));
                    if (signedIn) {
                        request.header("Authorization", "Token " + account.token());
                    }
                    Response response = request.request(endpoint[0], endpoint[1]);
                    int status = response.statusCode();
                    boolean errorShape = status < 400 || response.asString().startsWith("{\"errors\":{\"body\":[");
                    if (status >= 500 || !errorShape) {
                        failures.add(endpoint[0] + " " + endpoint[1] + (signedIn ? " (signed in)" : "") + " with "
                                + body.substring(0, Math.min(40, body.length())) + " -> " + status + " " + response.asString());
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void brokenQueriesAndPathsNeverCauseA5xx() {
        List<String> paths = List.of("/api/articles?limit=%00", "/api/articles?tag=%ff%fe", "/api/articles?offset=1&offset=x",
                "/api/articles?author=" + "a".repeat(5000), "/api/articles/%2e%2e", "/api/articles/%ff/comments",
                "/api/profiles/%00", "/api/articles/x/comments/-1", "/api/articles/x/comments/1e3", "/api/articles?tag=%00",
                "/api/articles?author=%00&favorited=%00");
        List<String> failures = new ArrayList<>();
        for (String path : paths) {
            Response response = given().urlEncodingEnabled(false).get(path);
            if (response.statusCode() >= 500) {
                failures.add(path + " -> " + response.statusCode() + " " + response.asString());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}

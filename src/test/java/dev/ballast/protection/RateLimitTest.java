package dev.ballast.protection;

import static dev.ballast.Api.PASSWORD;
import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.register;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.ballast.Api.Account;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(RateLimitTest.LowLimits.class)
class RateLimitTest {

    public static class LowLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ballast.rate-limit.requests-per-minute", "30",
                    "ballast.rate-limit.auth-per-minute", "3");
        }
    }

    @Test
    void oneClientIsLimitedWhileAnotherIsStillServed() {
        // Both accounts are registered from this address, which uses its login budget (3) here first.
        Account greedy = register("greedy");
        Account polite = register("polite");
        int served = 0;
        while (greedy.as().get("/api/user").statusCode() == 200) {
            served++;
            if (served > 30) {
                break;
            }
        }
        org.junit.jupiter.api.Assertions.assertEquals(30, served, "requests served before the limit");

        greedy.as().get("/api/user")
                .then().statusCode(429)
                .header("Retry-After", org.hamcrest.Matchers.matchesPattern("[1-9][0-9]*"))
                .header("RateLimit-Limit", "30")
                .header("RateLimit-Remaining", "0")
                .header("RateLimit-Reset", org.hamcrest.Matchers.matchesPattern("[1-9][0-9]*"))
                .body("errors.body[0]", startsWith("too many requests"));
        polite.as().get("/api/user").then().statusCode(200).body("user.username", equalTo(polite.username()));
    }

    @Test
    void loginAndRegistrationHaveAStricterLimitPerAddressWhateverTheForwardedHeader() {
        // The registrations of the other test may have used this address's budget already: use what is left.
        for (int i = 0; i < 5; i++) {
            int status = given().contentType(ContentType.JSON)
                    .header("X-Forwarded-For", "203.0.113." + i) // not from a trusted proxy: ignored
                    .body(Map.of("user", Map.of("email", "guess" + i + "@example.com", "password", PASSWORD)))
                    .post("/api/users/login").statusCode();
            if (status == 429) {
                return;
            }
            org.junit.jupiter.api.Assertions.assertEquals(401, status);
        }
        org.junit.jupiter.api.Assertions.fail("five logins from one address were all let through");
    }

    @Test
    void rejectedLoginsGetTheErrorShape() {
        for (int i = 0; i < 4; i++) {
            anonymous().body(Map.of("user", Map.of("email", "x@example.com", "password", PASSWORD))).post("/api/users/login");
        }
        anonymous().body(Map.of("user", Map.of("email", "x@example.com", "password", PASSWORD))).post("/api/users/login")
                .then().statusCode(429).header("RateLimit-Limit", "3")
                .body("errors.body", contains(startsWith("too many requests")));
    }

    @Test
    void aRefusalCarriesTheCorsHeadersSoABrowserCanReadIt() {
        String origin = "https://front-end.example";
        for (int i = 0; i < 4; i++) {
            anonymous().body(Map.of("user", Map.of("email", "cors@example.com", "password", PASSWORD))).post("/api/users/login");
        }
        anonymous().header("Origin", origin)
                .body(Map.of("user", Map.of("email", "cors@example.com", "password", PASSWORD))).post("/api/users/login")
                .then().statusCode(429)
                .header("Access-Control-Allow-Origin", origin)
                .header("Retry-After", org.hamcrest.Matchers.matchesPattern("[1-9][0-9]*"));
    }
}

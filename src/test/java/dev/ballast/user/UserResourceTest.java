package dev.ballast.user;

import static dev.ballast.Api.PASSWORD;
import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.register;
import static dev.ballast.Api.uniqueName;
import static dev.ballast.Management.operator;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.Api.Account;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import io.restassured.response.Response;
import io.smallrye.jwt.build.Jwt;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;

@QuarkusTest
class UserResourceTest {

    @Inject
    MeterRegistry registry;

    private static Map<String, Object> user(Map<String, Object> fields) {
        return Map.of("user", fields);
    }

    @Test
    void registerReturnsTheUserWithATokenAndNoPassword() {
        String username = uniqueName("reg");
        anonymous().body(user(Map.of("username", username, "email", username + "@example.com", "password", PASSWORD)))
                .post("/api/users")
                .then().statusCode(201)
                .body("user.username", equalTo(username))
                .body("user.email", equalTo(username + "@example.com"))
                .body("user.token", notNullValue())
                .body("user", org.hamcrest.Matchers.hasKey("bio"))
                .body("user", org.hamcrest.Matchers.hasKey("image"))
                .body("user", not(org.hamcrest.Matchers.hasKey("password")));
    }

    @Test
    void registerListsEveryInvalidField() {
        anonymous().body(user(Map.of("username", "has space", "email", "not-an-email", "password", "short")))
                .post("/api/users")
                .then().statusCode(422)
                .body("errors.body", containsInAnyOrder(
                        "username may contain only letters, digits, '.', '-' and '_'",
                        "email is invalid",
                        "password is too short (minimum is 8 characters)"));
        anonymous().body(user(Map.of()))
                .post("/api/users")
                .then().statusCode(422)
                .body("errors.body", containsInAnyOrder("username can't be blank", "email can't be blank",
                        "password can't be blank"));
        anonymous().body(Map.of()).post("/api/users").then().statusCode(422).body("errors.body", contains("user is required"));
    }

    @Test
    void registerRejectsOverlongFieldsAndPasswordsBcryptWouldTruncate() {
        String username = uniqueName("long");
        anonymous().body(user(Map.of("username", "u".repeat(65), "email", username + "@example.com",
                        "password", "p".repeat(73))))
                .post("/api/users")
                .then().statusCode(422)
                .body("errors.body", containsInAnyOrder("username is too long (maximum is 64 characters)",
                        "password is too long (maximum is 72 bytes)"));
    }

    @Test
    void takenUsernameOrEmailIs422WhateverTheEmailCase() {
        Account existing = register("taken");
        anonymous().body(user(Map.of("username", existing.username(), "email", uniqueName("x") + "@example.com",
                        "password", PASSWORD)))
                .post("/api/users")
                .then().statusCode(422).body("errors.body", contains("username has already been taken"));
        anonymous().body(user(Map.of("username", uniqueName("other"), "email", existing.email().toUpperCase(),
                        "password", PASSWORD)))
                .post("/api/users")
                .then().statusCode(422).body("errors.body", contains("email has already been taken"));
    }

    @Test
    void concurrentRegistrationsWithOneEmailGiveOneUserAndSeven422s() throws Exception {
        String email = uniqueName("race") + "@example.com";
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String username = uniqueName("race" + i);
                statuses.add(CompletableFuture.supplyAsync(() -> anonymous()
                        .body(user(Map.of("username", username, "email", email, "password", PASSWORD)))
                        .post("/api/users").statusCode(), clients));
            }
            List<Integer> codes = statuses.stream().map(CompletableFuture::join).toList();
            assertEquals(1, codes.stream().filter(code -> code == 201).count(), codes.toString());
            assertEquals(7, codes.stream().filter(code -> code == 422).count(), codes.toString());
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void aBurstOfSixteenLoginsAtOnceIsAllServed() throws InterruptedException {
        Account account = register("burst");
        // Served at full capacity while the CPU has room: wait until the requests of earlier tests have left it.
        for (int i = 0; i < 50 && !operator().get("/q/metrics").asString().contains("ballast_password_contended 0.0"); i++) {
            Thread.sleep(200);
        }
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                statuses.add(CompletableFuture.supplyAsync(() -> anonymous()
                        .body(user(Map.of("email", account.email(), "password", PASSWORD)))
                        .post("/api/users/login").statusCode(), clients));
            }
            List<Integer> codes = statuses.stream().map(CompletableFuture::join).toList();
            assertEquals(16, codes.stream().filter(code -> code == 200).count(), "every login served: " + codes);
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void loginWithTheRightPasswordOnly() {
        Account account = register("login");
        anonymous().body(user(Map.of("email", account.email().toUpperCase(), "password", PASSWORD)))
                .post("/api/users/login")
                .then().statusCode(200)
                .body("user.username", equalTo(account.username()))
                .body("user.token", notNullValue());
        anonymous().body(user(Map.of("email", account.email(), "password", "wrong password")))
                .post("/api/users/login")
                .then().statusCode(401).body("errors.body", contains("email or password is invalid"));
        anonymous().body(user(Map.of("email", "nobody-" + account.email(), "password", PASSWORD)))
                .post("/api/users/login")
                .then().statusCode(401).body("errors.body", contains("email or password is invalid"));
        anonymous().body(user(Map.of("email", account.email())))
                .post("/api/users/login")
                .then().statusCode(422).body("errors.body", contains("password can't be blank"));
    }

    @Test
    void currentUserNeedsAValidToken() {
        Account account = register("current");
        account.as().get("/api/user")
                .then().statusCode(200)
                .body("user.username", equalTo(account.username()))
                .body("user.email", equalTo(account.email()));
        given().header("Authorization", "Bearer " + account.token()).get("/api/user").then().statusCode(200);

        given().get("/api/user")
                .then().statusCode(401)
                .header("WWW-Authenticate", "Token")
                .body("errors.body", contains("authentication required"));
        given().header("Authorization", "Token not.a.jwt").get("/api/user")
                .then().statusCode(401).body("errors.body", contains("token is invalid or expired"));
        given().header("Authorization", "Token " + tampered(account.token())).get("/api/user")
                .then().statusCode(401).body("errors.body", contains("token is invalid or expired"));
        String expired = Jwt.issuer("ballast").subject(subject(account.token()))
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600)).sign();
        given().header("Authorization", "Token " + expired).get("/api/user")
                .then().statusCode(401).body("errors.body", contains("token is invalid or expired"));
        String foreignIssuer = Jwt.issuer("someone-else").subject(subject(account.token())).sign();
        given().header("Authorization", "Token " + foreignIssuer).get("/api/user").then().statusCode(401);
    }

    @Test
    void updateChangesOnlyTheGivenFields() {
        Account account = register("update");
        String newEmail = uniqueName("new") + "@example.com";
        account.as().body(user(Map.of("email", newEmail, "bio", "I like dragons", "image", "https://img.example/me.png")))
                .put("/api/user")
                .then().statusCode(200)
                .body("user.email", equalTo(newEmail))
                .body("user.username", equalTo(account.username()))
                .body("user.bio", equalTo("I like dragons"))
                .body("user.image", equalTo("https://img.example/me.png"))
                .body("user.token", notNullValue());
        account.as().body(user(Map.of("bio", "still me"))).put("/api/user")
                .then().statusCode(200)
                .body("user.email", equalTo(newEmail))
                .body("user.image", equalTo("https://img.example/me.png"));
        account.as().get("/api/user").then().body("user.bio", equalTo("still me"));
    }

    @Test
    void anEmptyOrBlankImageOrBioIsNone() {
        Account account = register("settings");
        account.as().body(user(Map.of("bio", "Hello", "image", "https://img.example/me.png"))).put("/api/user")
                .then().statusCode(200);
        // What the Settings page of a RealWorld front end sends when the image field is left empty.
        account.as().body(user(Map.of("image", ""))).put("/api/user")
                .then().statusCode(200).body("user.image", nullValue()).body("user.bio", equalTo("Hello"));
        account.as().body(user(Map.of("bio", " \t\n "))).put("/api/user")
                .then().statusCode(200).body("user.bio", nullValue()).body("user.image", nullValue());
        anonymous().get("/api/profiles/" + account.username()).then().statusCode(200)
                .body("profile.bio", nullValue()).body("profile.image", nullValue());
    }

    @Test
    void updatedPasswordIsTheOneThatLogsIn() {
        Account account = register("password");
        account.as().body(user(Map.of("password", "a brand new secret"))).put("/api/user").then().statusCode(200);
        anonymous().body(user(Map.of("email", account.email(), "password", PASSWORD)))
                .post("/api/users/login").then().statusCode(401);
        anonymous().body(user(Map.of("email", account.email(), "password", "a brand new secret")))
                .post("/api/users/login").then().statusCode(200);
    }

    @Test
    void aTokenCarriesItsIssueTimeAndIsNeverRenewedByUse() {
        Account account = register("renew");
        JsonObject claims = claims(account.token());
        long now = Instant.now().getEpochSecond();
        assertTrue(Math.abs(claims.getLong("iat") - now) < 60, "iat " + claims.getLong("iat") + " near " + now);
        assertEquals(0L, claims.getLong("gen"));
        account.as().get("/api/user").then().statusCode(200).body("user.token", equalTo(account.token()));
        account.as().body(user(Map.of("bio", "renew?", "email", uniqueName("renew") + "@example.com"))).put("/api/user")
                .then().statusCode(200).body("user.token", equalTo(account.token()));
    }

    @Test
    void aPasswordChangeEndsEveryEarlierTokenOnEveryEndpoint() {
        Account account = register("revoked");
        String slug = dev.ballast.Api.createArticle(account, uniqueName("Before the change"), List.of());
        String fromLogin = anonymous().body(user(Map.of("email", account.email(), "password", PASSWORD)))
                .post("/api/users/login").then().statusCode(200).extract().path("user.token");

        String newToken = account.as().body(user(Map.of("password", "a brand new secret"))).put("/api/user")
                .then().statusCode(200).extract().path("user.token");
        assertNotEquals(account.token(), newToken);
        assertEquals(1L, claims(newToken).getLong("gen"));

        for (String old : List.of(account.token(), fromLogin)) {
            Account stale = new Account(account.username(), account.email(), old);
            List<Response> answers = List.of(
                    stale.as().get("/api/user"),
                    stale.as().body(user(Map.of("bio", "still here?"))).put("/api/user"),
                    stale.as().get("/api/articles"),
                    stale.as().get("/api/articles/feed"),
                    stale.as().get("/api/articles/" + slug),
                    stale.as().get("/api/articles/" + slug + "/comments"),
                    stale.as().get("/api/profiles/" + account.username()),
                    stale.as().post("/api/articles/" + slug + "/favorite"),
                    stale.as().body(Map.of("comment", Map.of("body", "sneaky"))).post("/api/articles/" + slug + "/comments"),
                    stale.as().delete("/api/articles/" + slug));
            for (Response answer : answers) {
                answer.then().statusCode(401).header("WWW-Authenticate", "Token")
                        .body("errors.body", contains("token is invalid or expired"));
            }
        }
        // The article is still there, untouched, and the new token works.
        new Account(account.username(), account.email(), newToken).as().get("/api/user")
                .then().statusCode(200).body("user.token", equalTo(newToken)).body("user.bio", nullValue());
        anonymous().get("/api/articles/" + slug + "/comments").then().statusCode(200).body("comments.size()", equalTo(0));
    }

    @Test
    void aTokenOfAUserWhoDoesNotExistIsRefused() {
        String nobody = Jwt.issuer("ballast").subject(Long.toString(Long.MAX_VALUE - 1)).sign();
        given().header("Authorization", "Token " + nobody).get("/api/articles")
                .then().statusCode(401).body("errors.body", contains("token is invalid or expired"));
    }

    @Test
    void checkingAWarmTokenCostsNoStatement() {
        Account account = register("warm");
        account.as().get("/api/tags").then().statusCode(200);
        long before = tokenChecksSoFar(registry);
        for (int i = 0; i < 5; i++) {
            account.as().get("/api/tags").then().statusCode(200);
        }
        assertEquals(0, tokenChecksSoFar(registry) - before, "token generation statements for five warm signed-in reads");
    }

    @Test
    void updateRejectsTakenNamesEmptyChangesAndAnonymousCallers() {
        Account account = register("upd");
        Account other = register("other");
        account.as().body(user(Map.of("username", other.username()))).put("/api/user")
                .then().statusCode(422).body("errors.body", contains("username has already been taken"));
        account.as().body(user(Map.of("email", other.email()))).put("/api/user")
                .then().statusCode(422).body("errors.body", contains("email has already been taken"));
        account.as().body(user(Map.of())).put("/api/user")
                .then().statusCode(422).body("errors.body", hasItem("user must contain at least one field to update"));
        account.as().body(user(Map.of("username", ""))).put("/api/user")
                .then().statusCode(422).body("errors.body", contains("username can't be blank"));
        anonymous().body(user(Map.of("bio", "x"))).put("/api/user").then().statusCode(401);
        // Keeping one's own username is not a conflict.
        account.as().body(user(Map.of("username", account.username()))).put("/api/user").then().statusCode(200)
                .body("user.bio", nullValue());
    }

    /** The token with one character of its signature changed. */
    private static String tampered(String token) {
        char last = token.charAt(token.length() - 2);
        return token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
    }

    private static String subject(String token) {
        return claims(token).getString("sub");
    }

    private static JsonObject claims(String token) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    private static long tokenChecksSoFar(MeterRegistry registry) {
        Timer checks = registry.find("ballast.db.query").tag("statement", "auth.tokenGeneration").timer();
        return checks == null ? 0 : checks.count();
    }
}

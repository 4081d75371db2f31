package dev.ballast.protection;

import static dev.ballast.Api.PASSWORD;
import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.register;
import static dev.ballast.Api.uniqueName;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ballast.Api.Account;
import dev.ballast.StatementsRun;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.Socket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The limits as a hostile client meets them. Each test sends from loopback addresses of its own (RawHttp binds
 * them), so that the tests do not share per-address budgets; the few RestAssured requests come from 127.0.0.1.
 */
@QuarkusTest
@TestProfile(RateLimitTest.LowLimits.class)
class RateLimitTest {

    public static class LowLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(Map.entry("ballast.rate-limit.requests-per-minute", "30"),
                    Map.entry("ballast.rate-limit.address-requests-per-minute", "60"),
                    Map.entry("ballast.rate-limit.address-in-flight-max", "4"),
                    Map.entry("ballast.rate-limit.auth-per-minute", "3"),
                    Map.entry("ballast.rate-limit.login-failures-free", "4"),
                    Map.entry("ballast.rate-limit.login-delay-base", "2s"),
                    Map.entry("ballast.rate-limit.login-delay-max", "4s"),
                    Map.entry("ballast.rate-limit.login-failure-window", "1m"),
                    Map.entry("ballast.rate-limit.trusted-proxies", PROXY),
                    Map.entry("quarkus.http.cors.origins", "https://front-end.example"), // listed, as in production
                    Map.entry("ballast.rate-limit.refusal-delay", "300ms"));
        }
    }

    private static final String PROXY = "127.0.0.9";
    private static final String WRONG_LOGIN = "{\"user\":{\"email\":\"%s\",\"password\":\"not the password\"}}";

    /** Loopback addresses no other request of this class has used (127.0.0.1 and the proxy aside). */
    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(20);

    @Inject
    MeterRegistry registry;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void oneAccountIsLimitedWhileAnotherOnTheSameAddressIsStillServed() {
        // Both accounts are registered from 127.0.0.1, which uses its login budget (3) here first.
        Account greedy = register("greedy");
        Account polite = register("polite");
        int served = 0;
        while (greedy.as().get("/api/user").statusCode() == 200) {
            served++;
            if (served > 30) {
                break;
            }
        }
        assertEquals(30, served, "requests served before the account's limit");

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
    void oneAddressHoldsAtMostFourRequestsInFlightAndIsServedAgainWhenOneEnds() throws Exception {
        String address = newAddress();
        List<Socket> unfinished = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) { // headers sent, the body never: each request stays in flight
                Socket socket = RawHttp.open(address);
                RawHttp.send(socket, "POST /api/articles HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100\r\n\r\n{");
                unfinished.add(socket);
            }
            Thread.sleep(200);
            String refused = RawHttp.get(address, "/api/tags");
            assertEquals(429, RawHttp.status(refused), refused);
            assertEquals("4", RawHttp.header(refused, "RateLimit-Limit"));
            assertEquals(200, RawHttp.status(RawHttp.get(newAddress(), "/api/tags")), "another address is served");
        } finally {
            for (Socket socket : unfinished) {
                socket.close();
            }
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        int status;
        while ((status = RawHttp.status(RawHttp.get(address, "/api/tags"))) != 200 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(200, status, "served again once its requests ended");
    }

    @Test
    void aTokenEndedByAPasswordChangeIsNotCountedAsItsAccount() throws Exception {
        // An account whose password has changed once, made directly: this class's registration budget is small.
        long id;
        String name = uniqueName("changed");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "insert into users (username, email, password_hash, token_generation) values (?, ?, 'x', 1) returning id")) {
            insert.setString(1, name);
            insert.setString(2, name + "@example.com");
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                id = row.getLong(1);
            }
        }
        String ended = Jwt.issuer("ballast").subject(Long.toString(id)).claim("gen", 0).sign();
        String current = Jwt.issuer("ballast").subject(Long.toString(id)).claim("gen", 1).sign();
        String address = newAddress();
        for (int i = 0; i < 31; i++) {
            assertEquals(401, RawHttp.status(currentUser(address, ended)), "an ended token is refused");
        }
        // Had those 31 requests counted against the account (30 a minute here), its current token would get 429.
        assertEquals(200, RawHttp.status(currentUser(address, current)));
    }

    @Test
    void signedInRequestsCountAgainstTheirAddressAsWell() throws IOException {
        String registrar = newAddress();
        String first = registerFrom(registrar);
        String second = registerFrom(registrar);
        String address = newAddress();

        assertEquals(30, servedBeforeRefusal(address, first, 60), "the first account's own budget");
        // The second account has a full budget of its own, but the address has only 60 - 31 left.
        assertEquals(29, servedBeforeRefusal(address, second, 60), "what is left of the address's budget");
        long start = System.nanoTime();
        String refused = currentUser(address, second);
        assertEquals("60", RawHttp.header(refused, "RateLimit-Limit"), "refused by the address's limit");
        assertTrue(System.nanoTime() - start >= 300_000_000L, "an address over its budget is answered 300 ms late");
        assertEquals(429, RawHttp.status(refused));
        assertTrue(RawHttp.header(refused, "Retry-After").matches("[1-9][0-9]*"), refused);
        assertTrue(RawHttp.body(refused).startsWith("{\"errors\":{\"body\":[\"too many requests, retry in "), refused);
        // Elsewhere the second account still has the rest of its own budget.
        assertEquals(200, RawHttp.status(currentUser(newAddress(), second)));
    }

    @Test
    void theLoginLimitHoldsForEverySpellingThatReachesLoginOrRegistration() throws IOException {
        String address = newAddress();
        for (int i = 0; i < 3; i++) {
            assertEquals(401, RawHttp.status(wrongLogin(address, "/api/users/login", "", uniqueName("spell") + "@example.com")));
        }
        List<String> routedToLoginOrRegistration = List.of(
                "/api/users/login", "/api/users/logi%6E", "/api/users/%6c%6f%67%69%6e", "/api/%75sers/login",
                "/api/users/login/", "/api/users/login//", "/api//users/login", "/api/users//login", "//api/users/login",
                "/api/users/./login", "/./api/users/login", "/api/x/../users/login", "/q/../api/users/login",
                "/api/users/login/.", "/api/users/login/x/..", "/api/users/login;x=1", "/api/users;x=1/login",
                "/api/users/login?x=1", "http://localhost/api/users/login",
                "/api/users", "/api/users/", "/api//users", "/api/./users", "/api/%75sers", "/api/users;a=b", "/api/users/.");
        for (String path : routedToLoginOrRegistration) {
            String response = wrongLogin(address, path, "", "spelling@example.com");
            assertEquals(429, RawHttp.status(response), path + " is login or registration, past this address's limit");
            assertEquals("3", RawHttp.header(response, "RateLimit-Limit"), path);
            assertTrue(RawHttp.header(response, "Retry-After").matches("[1-9][0-9]*"), path);
            assertTrue(RawHttp.body(response).startsWith("{\"errors\":{\"body\":[\"too many requests"), path);
        }
        // Spellings the router does not take for these operations reach no operation at all.
        for (String path : List.of("/api/users/LOGIN", "/api/Users/login", "/api/USERS", "/api/users/login%2F",
                "/api/users%2Flogin", "/api/users/login%20", "/api/users/..%2Fusers/login")) {
            assertEquals(404, RawHttp.status(wrongLogin(address, path, "", "spelling@example.com")), path);
        }
    }

    @Test
    void guessingOneAccountsPasswordFromManyAddressesSlowsDownAndACorrectPasswordStillWorks() throws Exception {
        String email = registerFrom(newAddress(), "guessed");
        // Four free failures, each from an address of its own: the per-address limits never come into play.
        for (int i = 0; i < 4; i++) {
            assertEquals(401, RawHttp.status(wrongLogin(newAddress(), "/api/users/login", "", email)));
        }
        String refused = wrongLogin(newAddress(), "/api/users/login", "", email);
        assertEquals(429, RawHttp.status(refused));
        // What is left of the 2 s wait that the fourth failure started (the login answers took some of it).
        assertTrue(List.of("1", "2").contains(RawHttp.header(refused, "Retry-After")), refused);
        assertEquals("4", RawHttp.header(refused, "RateLimit-Limit"));
        assertEquals("0", RawHttp.header(refused, "RateLimit-Remaining"));
        assertEquals(RawHttp.header(refused, "Retry-After"), RawHttp.header(refused, "RateLimit-Reset"));
        assertTrue(RawHttp.body(refused).matches("\\{\"errors\":\\{\"body\":\\[\"too many requests, retry in [12] s\"]}}"), refused);
        // Another spelling of the same email is the same account.
        assertEquals(429, RawHttp.status(wrongLogin(newAddress(), "/api/users/login", "", " " + email.toUpperCase() + " ")));

        Thread.sleep(2_000);
        assertEquals(401, RawHttp.status(wrongLogin(newAddress(), "/api/users/login", "", email)));
        String longer = RawHttp.header(wrongLogin(newAddress(), "/api/users/login", "", email), "Retry-After");
        assertTrue(List.of("3", "4").contains(longer), "the wait doubles to 4 s: " + longer);

        Thread.sleep(4_000);
        assertEquals(200, RawHttp.status(login(newAddress(), email, PASSWORD)), "the right password, once the wait is over");
        for (int i = 0; i < 4; i++) {
            assertEquals(401, RawHttp.status(wrongLogin(newAddress(), "/api/users/login", "", email)), "the count starts afresh");
        }
    }

    @Test
    void passwordChangesCountAgainstTheAddressesAndTheAccountsAuthBudget() throws IOException {
        String token = registerFrom(newAddress());
        String address = newAddress();
        for (int i = 0; i < 3; i++) {
            String changed = changeUser(address, token, "password", PASSWORD + i);
            assertEquals(200, RawHttp.status(changed), changed);
            token = RawHttp.body(changed).replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1"); // the others are ended
        }
        String refused = changeUser(address, token, "password", PASSWORD);
        assertEquals(429, RawHttp.status(refused), "the address's budget of 3 password hashes a minute");
        assertEquals("3", RawHttp.header(refused, "RateLimit-Limit"));
        assertEquals(429, RawHttp.status(wrongLogin(address, "/api/users/login", "", "other@example.com")),
                "the same budget as logins");
        assertEquals(200, RawHttp.status(changeUser(address, token, "bio", "a bio costs no hash")));

        String fresh = newAddress();
        assertEquals(429, RawHttp.status(changeUser(fresh, token, "password", PASSWORD)), "the account's own budget, from anywhere");
        assertEquals(401, RawHttp.status(wrongLogin(fresh, "/api/users/login", "", "other@example.com")),
                "the new address still has its own budget");
    }

    @Test
    void probingEmailsThroughAccountChangesCostsWhatRegistrationCosts() throws IOException {
        String taken = registerFrom(newAddress(), "probed");
        String probingToken = registerFrom(newAddress());
        String ownEmail = currentEmail(probingToken);
        String address = newAddress();
        for (int i = 0; i < 3; i++) {
            String answer = changeUser(address, probingToken, "email", i == 0 ? taken : uniqueName("free") + "x@example.com");
            assertEquals(i == 0 ? 422 : 200, RawHttp.status(answer), answer);
        }
        String refused = changeUser(address, probingToken, "email", taken.toUpperCase(Locale.ROOT));
        assertEquals(429, RawHttp.status(refused), "the fourth new email from this address, taken or not, is not answered");
        assertEquals(429, RawHttp.status(changeUser(newAddress(), probingToken, "email", uniqueName("free") + "@example.com")),
                "nor from another address: the account's budget is spent too");

        // The settings form sends the email the account has: that costs nothing, in any spelling.
        String settled = currentEmail(probingToken);
        for (int i = 0; i < 5; i++) {
            assertEquals(200, RawHttp.status(changeUser(address, probingToken, "email", settled.toUpperCase(Locale.ROOT))));
        }
        assertTrue(!settled.equals(ownEmail), "the free emails were taken on");
    }

    @Test
    void everySpellingThatFindsAnAccountSharesItsOneFailureBudgetAndNoOtherFindsIt() throws IOException {
        String name = uniqueName("dotted");
        String email = name + ".k\u0130m@example.com"; // a capital I with a dot above, precomposed
        String registered = RawHttp.post(newAddress(), "/api/users", "", "{\"user\":{\"username\":\"" + name
                + "\",\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}}");
        assertEquals(201, RawHttp.status(registered), registered);
        List<String> sameAccount = List.of(email, " " + email + " ", name.toUpperCase(Locale.ROOT) + ".K\u0130M@EXAMPLE.COM",
                name + ".kI\u0307m@example.com"); // the dot as a combining mark: the same email in NFC
        for (String spelling : sameAccount) {
            assertEquals(401, RawHttp.status(wrongLogin(newAddress(), "/api/users/login", "", spelling)), spelling);
        }
        assertEquals(429, RawHttp.status(wrongLogin(newAddress(), "/api/users/login", "", sameAccount.get(3))),
                "four failures over four spellings spent the account's one budget");
        String duplicate = RawHttp.post(newAddress(), "/api/users", "", "{\"user\":{\"username\":\"" + uniqueName("dup")
                + "\",\"email\":\"" + sameAccount.get(3) + "\",\"password\":\"" + PASSWORD + "\"}}");
        assertEquals(422, RawHttp.status(duplicate), "registered already, in another spelling");

        // Spellings that a fuller case folding (the database's locale, or Java's) takes for this email name
        // other accounts: the right password does not log in with them, and their failures are their own.
        for (String other : List.of(name + ".kim@example.com", name + ".ki\u0307m@example.com", name + ".k\u0131m@example.com")) {
            assertEquals(401, RawHttp.status(login(newAddress(), other, PASSWORD)), other);
        }
    }

    @Test
    void aRefusedLoginLooksAndCostsTheSameWhetherOrNotTheEmailExists() throws IOException {
        String known = registerFrom(newAddress(), "known");
        String unknown = uniqueName("unknown") + "@example.com";
        for (int i = 0; i < 4; i++) {
            for (String email : List.of(known, unknown)) {
                long before = StatementsRun.soFar(registry);
                assertEquals(401, RawHttp.status(wrongLogin(newAddress(), "/api/users/login", "", email)));
                assertEquals(1, StatementsRun.soFar(registry) - before, "one lookup for " + email);
            }
        }
        String[] refused = new String[2];
        for (int i = 0; i < 2; i++) {
            long before = StatementsRun.soFar(registry);
            refused[i] = wrongLogin(newAddress(), "/api/users/login", "", i == 0 ? known : unknown);
            assertEquals(0, StatementsRun.soFar(registry) - before, "a refusal does not touch the database");
        }
        assertEquals(timeless(refused[0]), timeless(refused[1]));
        assertEquals(429, RawHttp.status(refused[0]));
    }

    @Test
    void loginAndRegistrationHaveAStricterLimitPerAddressWhateverTheForwardedHeader() {
        // The registrations of another test may have used this address's budget already: use what is left.
        for (int i = 0; i < 5; i++) {
            int status = given().contentType(ContentType.JSON)
                    .header("X-Forwarded-For", "203.0.113." + i) // not from a trusted proxy: ignored
                    .body(Map.of("user", Map.of("email", "guess" + i + "@example.com", "password", PASSWORD)))
                    .post("/api/users/login").statusCode();
            if (status == 429) {
                return;
            }
            assertEquals(401, status);
        }
        fail("five logins from one address were all let through");
    }

    @Test
    void behindATrustedProxyTheClientIsTheRightmostUntrustedHopOfAllForwardedForLines() throws IOException {
        // The client writes a line of its own, different each time; the proxy appends the address it saw.
        for (int i = 0; i < 3; i++) {
            assertEquals(401, RawHttp.status(wrongLogin(PROXY, "/api/users/login",
                    "X-Forwarded-For: 198.51.100." + i + "\r\nX-Forwarded-For: 203.0.113.50\r\n", uniqueName("xff") + "@example.com")));
        }
        assertEquals(429, RawHttp.status(wrongLogin(PROXY, "/api/users/login",
                "X-Forwarded-For: 198.51.100.99\r\nX-Forwarded-For: 203.0.113.50, " + PROXY + "\r\n", "xff@example.com")));
        assertEquals(401, RawHttp.status(wrongLogin(PROXY, "/api/users/login",
                "X-Forwarded-For: 203.0.113.51\r\n", "xff@example.com")), "another client behind the same proxy");
    }

    @Test
    void anIpv6ClientIsItsSlash64() throws IOException {
        for (String client : List.of("2001:db8:5:6::1", "2001:db8:5:6::2", "2001:db8:5:6:ffff:1:2:3")) {
            assertEquals(401, RawHttp.status(wrongLogin(PROXY, "/api/users/login",
                    "X-Forwarded-For: " + client + "\r\n", uniqueName("v6") + "@example.com")));
        }
        assertEquals(429, RawHttp.status(wrongLogin(PROXY, "/api/users/login",
                "X-Forwarded-For: 2001:db8:5:6::4\r\n", "v6@example.com")), "the same /64");
        assertEquals(401, RawHttp.status(wrongLogin(PROXY, "/api/users/login",
                "X-Forwarded-For: 2001:db8:5:7::1\r\n", "v6@example.com")), "the next /64");
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
    void aRefusalCarriesTheCorsHeadersSoABrowserCanReadIt() throws IOException {
        String origin = "https://front-end.example";
        String address = newAddress();
        for (int i = 0; i < 3; i++) {
            wrongLogin(address, "/api/users/login", "", "cors@example.com");
        }
        String refused = wrongLogin(address, "/api/users/login", "Origin: " + origin + "\r\n", "cors@example.com");
        assertEquals(429, RawHttp.status(refused), refused);
        assertEquals(origin, RawHttp.header(refused, "Access-Control-Allow-Origin"));
        assertTrue(!"true".equals(RawHttp.header(refused, "Access-Control-Allow-Credentials")),
                "tokens travel in a header: no credentials (cookies) are allowed");
        assertTrue(RawHttp.header(refused, "Retry-After").matches("[1-9][0-9]*"), refused);
    }

    private static String newAddress() {
        return "127.0.0." + NEXT_ADDRESS.getAndIncrement();
    }

    private static String wrongLogin(String from, String path, String headerLines, String email) throws IOException {
        return RawHttp.post(from, path, headerLines, WRONG_LOGIN.formatted(email));
    }

    private static String login(String from, String email, String password) throws IOException {
        return RawHttp.post(from, "/api/users/login", "",
                "{\"user\":{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}}");
    }

    /** Registers a new account from this address: its email. */
    private static String registerFrom(String from, String prefix) throws IOException {
        return registered(from, prefix).replaceAll("(?s).*\"email\":\"([^\"]+)\".*", "$1");
    }

    /** Registers a new account from this address: its token. */
    private static String registerFrom(String from) throws IOException {
        return registered(from, "holder").replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1");
    }

    private static String registered(String from, String prefix) throws IOException {
        String username = uniqueName(prefix);
        String response = RawHttp.post(from, "/api/users", "", "{\"user\":{\"username\":\"" + username
                + "\",\"email\":\"" + username + "@example.com\",\"password\":\"" + PASSWORD + "\"}}");
        assertEquals(201, RawHttp.status(response), response);
        return RawHttp.body(response);
    }

    /** {@code PUT /api/user} changing one field. */
    private static String changeUser(String from, String token, String field, String value) throws IOException {
        return RawHttp.put(from, "/api/user", "Authorization: Token " + token + "\r\n",
                "{\"user\":{\"" + field + "\":\"" + value + "\"}}");
    }

    private static String currentEmail(String token) throws IOException {
        return RawHttp.body(currentUser(newAddress(), token)).replaceAll("(?s).*\"email\":\"([^\"]+)\".*", "$1");
    }

    private static String currentUser(String from, String token) throws IOException {
        return RawHttp.get(from, "/api/user", "Authorization: Token " + token + "\r\n");
    }

    /** How many {@code GET /api/user} this account is served from this address before the first refusal. */
    private static int servedBeforeRefusal(String from, String token, int atMost) throws IOException {
        for (int served = 0; served <= atMost; served++) {
            String response = currentUser(from, token);
            if (RawHttp.status(response) == 429) {
                return served;
            }
            assertEquals(200, RawHttp.status(response), response);
        }
        return fail("never refused");
    }

    /** The response without what depends on the moment it was sent: its date and the seconds left to wait. */
    private static String timeless(String response) {
        return response.replaceAll("(?m)^(?i:date):.*\r\n", "")
                .replaceAll("(Retry-After|RateLimit-Reset): [0-9]+", "$1: n")
                .replaceAll("retry in [0-9]+ s", "retry in n s");
    }
}

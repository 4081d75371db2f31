package dev.ballast.cache;

import static dev.ballast.PackagedService.freePort;
import static dev.ballast.PackagedService.launcher;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.JwtKeysResource;
import dev.ballast.db.EmbeddedDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Read-your-writes across replicas: two replicas of the packaged service on one database, with caches that
 * would keep a view for a minute ({@code CACHE_TTL=60S}). Replica B's caches are filled by anonymous reads;
 * then a comment, a favorite, a follow, an article created and one updated, and a profile changed, each
 * written through replica A, must show through B within {@link #BOUND_MILLIS}: only a notice from A can
 * empty B's cache that fast. A change made behind the service's back (plain SQL, no notice) stays invisible
 * through B, which shows that B really serves from its cache. Likewise a password changed through A ends the
 * old tokens on B within the bound, while a generation bumped behind the service's back does not. The same holds
 * the other way round: B's writes show through A as fast.
 */
class CacheAcrossReplicasIT {

    /** Read-your-writes across replicas within this bound (the target is about 100 ms; the machine is shared). */
    private static final long BOUND_MILLIS = 500;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static final List<Process> replicas = new ArrayList<>();
    private static final Map<String, Long> delays = new LinkedHashMap<>();
    private static Map<String, String> database;
    private static Path logs;
    private static String a;
    private static String b;
    /** B's management interface (health, metrics), on a port of its own. */
    private static String bManagement;

    @BeforeAll
    static void startTwoReplicas() throws Exception {
        database = EmbeddedDatabase.start(null);
        logs = Files.createTempDirectory("replicas");
        Map<String, String> keys = new JwtKeysResource().start(); // tokens from A are valid on B
        int portA = freePort();
        int portB = freePort();
        int managementA = freePort();
        int managementB = freePort();
        replicas.add(start("a", portA, managementA, keys, List.of()));
        replicas.add(start("b", portB, managementB, keys, List.of()));
        a = "http://127.0.0.1:" + portA;
        b = "http://127.0.0.1:" + portB;
        bManagement = "http://127.0.0.1:" + managementB;
        for (int i = 0; i < 2; i++) {
            String name = i == 0 ? "a" : "b";
            String management = "http://127.0.0.1:" + (i == 0 ? managementA : managementB);
            assertTrue(awaitListening(management, replicas.get(i)), "replica " + name + " ready and listening; log: "
                    + Files.readString(logs.resolve(name + ".log")));
        }
    }

    @AfterAll
    static void stopReplicas() throws InterruptedException {
        replicas.forEach(Process::destroy);
        for (Process replica : replicas) {
            replica.waitFor();
        }
        System.out.println("Visible through replica B after the write through A (ms): " + delays);
    }

    @Test
    void writesThroughOneReplicaShowThroughTheOtherAtOnce() throws Exception {
        String tag = "t" + UUID.randomUUID().toString().substring(0, 8);
        String author = register(a, "author");
        String authorName = username(a, author);
        String reader = register(a, "reader");
        String readerName = username(a, reader);
        String slug = createArticle(a, author, "Across replicas", tag);

        // Replica B caches the anonymous views.
        String article = b + "/api/articles/" + slug;
        String comments = article + "/comments";
        String byTag = b + "/api/articles?tag=" + tag;
        String profile = b + "/api/profiles/" + authorName;
        String favoritedByReader = b + "/api/articles?favorited=" + readerName;
        for (String view : List.of(article, comments, byTag, profile, favoritedByReader, b + "/api/tags")) {
            assertEquals(200, get(view, null).statusCode(), view);
        }
        // and has served signed-in reads once (the first one of a JVM is slow: token checks warm up).
        assertEquals(200, get(article, reader).statusCode());
        assertEquals(200, get(profile, reader).statusCode());

        // Behind the service's back (no notice): B goes on serving its cached view.
        try (Connection connection = DriverManager.getConnection(database.get("quarkus.datasource.jdbc.url"),
                database.get("quarkus.datasource.username"), database.get("quarkus.datasource.password"));
             PreparedStatement update = connection.prepareStatement("update articles set description = 'changed behind' where slug = ?")) {
            update.setString(1, slug);
            assertEquals(1, update.executeUpdate());
        }
        Thread.sleep(BOUND_MILLIS);
        assertEquals("about it", json(get(article, null)).getJsonObject("article").getString("description"),
                "B serves from its cache: without notices it would for CACHE_TTL (60 s)");

        // A comment.
        send(a, "POST", "/api/articles/" + slug + "/comments", reader, new JsonObject().put("comment", new JsonObject().put("body", "seen on b?")), 200);
        visible("comment", comments, null, view -> view.getJsonArray("comments").size() == 1);

        // A favorite: the article, the list by tag, the reader's favorites, and the reader's own flag.
        send(a, "POST", "/api/articles/" + slug + "/favorite", reader, null, 200);
        visible("favorite: article", article, null, view -> view.getJsonObject("article").getInteger("favoritesCount") == 1);
        visible("favorite: list", byTag, null, view -> view.getJsonArray("articles").getJsonObject(0).getInteger("favoritesCount") == 1);
        visible("favorite: favorited list", favoritedByReader, null, view -> view.getInteger("articlesCount") == 1);
        visible("favorite: reader's flag", article, reader, view -> view.getJsonObject("article").getBoolean("favorited"));

        // A follow: the reader's own flag on B.
        send(a, "POST", "/api/profiles/" + authorName + "/follow", reader, null, 200);
        visible("follow", profile, reader, view -> view.getJsonObject("profile").getBoolean("following"));
        visible("follow: article author", article, reader,
                view -> view.getJsonObject("article").getJsonObject("author").getBoolean("following"));

        // An article created: the list by tag and the tags.
        String newTag = "n" + UUID.randomUUID().toString().substring(0, 8);
        createArticle(a, author, "Second across replicas", tag + "\",\"" + newTag);
        visible("article created: list", byTag, null, view -> view.getInteger("articlesCount") == 2);
        visible("article created: tags", b + "/api/tags", null, view -> view.getJsonArray("tags").contains(newTag));

        // An article updated.
        send(a, "PUT", "/api/articles/" + slug, author, new JsonObject().put("article", new JsonObject().put("body", "updated on a").put("description", "updated on a")), 200);
        visible("article updated", article, null, view -> view.getJsonObject("article").getString("body").equals("updated on a"));
        visible("article updated: list", byTag, null, view -> view.getJsonArray("articles").stream()
                .map(JsonObject.class::cast).anyMatch(one -> one.getString("description").equals("updated on a")));

        // A profile changed: the profile and its articles.
        send(a, "PUT", "/api/user", author, new JsonObject().put("user", new JsonObject().put("bio", "bio from a")), 200);
        visible("profile changed", profile, null, view -> "bio from a".equals(view.getJsonObject("profile").getString("bio")));
        visible("profile changed: article", article, null,
                view -> "bio from a".equals(view.getJsonObject("article").getJsonObject("author").getString("bio")));

        String scraped = get(bManagement + "/q/metrics", null).body();
        Matcher received = Pattern.compile("(?m)^ballast_cache_notices_received_total\\{origin=\"other\"[^}]*}\\s+([0-9.E]+)").matcher(scraped);
        assertTrue(received.find() && Double.parseDouble(received.group(1)) >= 6, "B counted A's notices: " + scraped);
        scraped.lines().filter(line -> line.startsWith("ballast_cache_notice_delay_seconds") && line.contains("origin=\"other\""))
                .forEach(line -> System.out.println("replica B: " + line));
    }

    @Test
    void writesThroughTheOtherReplicaShowThroughTheFirst() throws Exception {
        String author = register(a, "from_b");
        String slug = createArticle(a, author, "Written through b", "w" + UUID.randomUUID().toString().substring(0, 8));
        String article = a + "/api/articles/" + slug;
        String comments = article + "/comments";
        assertEquals(200, get(article, null).statusCode()); // A caches both views
        assertEquals(200, get(comments, null).statusCode());

        send(b, "POST", "/api/articles/" + slug + "/comments", author, new JsonObject().put("comment", new JsonObject().put("body", "from b")), 200);
        visible("through b: comment", comments, null, view -> view.getJsonArray("comments").size() == 1);
        send(b, "POST", "/api/articles/" + slug + "/favorite", author, null, 200);
        visible("through b: favorite", article, null, view -> view.getJsonObject("article").getInteger("favoritesCount") == 1);

        String scraped = get(bManagement + "/q/metrics", null).body();
        Matcher sent = Pattern.compile("(?m)^ballast_cache_notices_sent_total\\s+([0-9.E]+)").matcher(scraped);
        assertTrue(sent.find() && Double.parseDouble(sent.group(1)) >= 2, "B sent its notices: " + scraped);
    }

    @Test
    void aPasswordChangedThroughOneReplicaEndsTheOldTokensOnTheOther() throws Exception {
        String old = register(a, "moved");
        String me = b + "/api/user";
        String articles = b + "/api/articles";
        assertEquals(200, get(me, old).statusCode());
        assertEquals(200, get(articles, old).statusCode());
        assertEquals(200, get(a + "/api/user", old).statusCode()); // A caches the generation too

        // Behind the service's back (no notice): both replicas go on trusting their cached generation.
        try (Connection connection = DriverManager.getConnection(database.get("quarkus.datasource.jdbc.url"),
                database.get("quarkus.datasource.username"), database.get("quarkus.datasource.password"));
             PreparedStatement update = connection.prepareStatement("update users set token_generation = token_generation + 1 where id = ?")) {
            update.setLong(1, Long.parseLong(subject(old)));
            assertEquals(1, update.executeUpdate());
        }
        Thread.sleep(BOUND_MILLIS);
        assertEquals(200, get(me, old).statusCode(), "B checks tokens against its cached generation (CACHE_TOKEN_GENERATIONS_TTL is 60 s)");

        String renewed = json(send(a, "PUT", "/api/user", old,
                new JsonObject().put("user", new JsonObject().put("password", "a new password for b")), 200))
                .getJsonObject("user").getString("token");
        refused("password changed: old token on /api/user", me, old);
        refused("password changed: old token on /api/articles", articles, old);
        assertEquals(200, get(me, renewed).statusCode(), "the new token works on B");
    }

    /** Polls B until the token is refused (401); fails past the bound, naming the delay seen. */
    private static void refused(String what, String url, String token) throws Exception {
        long start = System.nanoTime();
        while (true) {
            int status = get(url, token).statusCode();
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            if (status == 401) {
                delays.put(what, elapsed);
                assertTrue(elapsed <= BOUND_MILLIS, what + ": refused by B after " + elapsed + " ms, over the bound of "
                        + BOUND_MILLIS + " ms");
                return;
            }
            assertEquals(200, status, what);
            if (elapsed > BOUND_MILLIS) {
                throw new AssertionError(what + ": still accepted by B after " + elapsed + " ms (the notice from A was not heard)");
            }
            Thread.sleep(5);
        }
    }

    private static String subject(String token) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8))
                .getString("sub");
    }

    /** Polls B until the view passes the check; fails past the bound, naming the delay seen. */
    private static void visible(String what, String url, String token, Predicate<JsonObject> check) throws Exception {
        long start = System.nanoTime();
        JsonObject last = null;
        while (true) {
            HttpResponse<String> response = get(url, token);
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            if (response.statusCode() == 200) {
                last = json(response);
                if (check.test(last)) {
                    delays.put(what, elapsed);
                    assertTrue(elapsed <= BOUND_MILLIS, what + ": visible through B after " + elapsed + " ms, over the bound of "
                            + BOUND_MILLIS + " ms");
                    return;
                }
            }
            if (elapsed > BOUND_MILLIS) {
                throw new AssertionError(what + ": not visible through B within " + BOUND_MILLIS + " ms (" + elapsed
                        + " ms so far; CACHE_TTL is 60 s, so the notice from A was not heard); last view: " + last);
            }
            Thread.sleep(5);
        }
    }

    private static String register(String base, String prefix) throws Exception {
        String name = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
        JsonObject user = new JsonObject().put("username", name).put("email", name + "@example.com").put("password", "correct horse battery");
        return json(send(base, "POST", "/api/users", null, new JsonObject().put("user", user), 201))
                .getJsonObject("user").getString("token");
    }

    private static String username(String base, String token) throws Exception {
        return json(get(base + "/api/user", token)).getJsonObject("user").getString("username");
    }

    /** Creates an article; {@code tags} is one tag, or several joined with {@code ","} quoted. */
    private static String createArticle(String base, String token, String title, String tags) throws Exception {
        JsonObject article = new JsonObject().put("title", title + " " + UUID.randomUUID().toString().substring(0, 6))
                .put("description", "about it").put("body", "the body").put("tagList", new JsonArray("[\"" + tags + "\"]"));
        return json(send(base, "POST", "/api/articles", token, new JsonObject().put("article", article), 201))
                .getJsonObject("article").getString("slug");
    }

    private static HttpResponse<String> send(String base, String method, String path, String token, JsonObject body,
                                             int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
        if (token != null) {
            request.header("Authorization", "Token " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), method + " " + path + ": " + response.body());
        return response;
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Token " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> response) {
        return new JsonObject(response.body());
    }

    private static Process start(String name, int port, int managementPort, Map<String, String> keys, List<String> own)
            throws IOException {
        List<String> options = new ArrayList<>(own);
        database.forEach((key, value) -> options.add("-D" + key + "=" + value));
        keys.forEach((key, value) -> options.add("-D" + key + "=" + value));
        options.add("-Dquarkus.http.port=" + port);
        options.add("-Dquarkus.management.port=" + managementPort);
        options.add("-DCACHE_TTL=60S");
        options.add("-DCACHE_TOKEN_GENERATIONS_TTL=60S");
        options.add("-DRATE_LIMIT_REQUESTS_PER_MINUTE=1000000");
        options.add("-DRATE_LIMIT_ADDRESS_REQUESTS_PER_MINUTE=1000000");
        options.add("-DAUTH_RATE_LIMIT_PER_MINUTE=1000000");
        options.add("-DPASSWORD_HASH_RATE=1000");
        // As in the test profile: on a shared, slow machine a loop late by 100 ms is not an overload to shed.
        options.add("-DADMISSION_QUEUE_TIMEOUT=5s");
        return new ProcessBuilder(launcher(options)).redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile()).start();
    }

    /** Ready, and listening for the other replica's notices, as its management interface says. */
    private static boolean awaitListening(String management, Process replica) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Pattern listening = Pattern.compile("(?m)^ballast_cache_listener_connected\\s+1");
        while (System.nanoTime() < deadline && replica.isAlive()) {
            try {
                if (get(management + "/q/health/ready", null).statusCode() == 200
                        && listening.matcher(get(management + "/q/metrics", null).body()).find()) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (Exception unexpected) {
                throw new IllegalStateException(unexpected);
            }
            Thread.sleep(250);
        }
        return false;
    }
}

package dev.ballast.cache;

import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.follow;
import static dev.ballast.Api.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.Api.Account;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Cache notices on one replica, with "another replica" played by plain SQL on the same database: a notice
 * from elsewhere empties exactly the entries it names, the replica's own notices are skipped, its writes
 * announce what they changed on its own notice connection, and a notice connection whose backend is killed
 * listens and sends again by itself.
 */
@QuarkusTest
class CacheNoticesTest {

    @Inject
    CacheNoticeListener listener;

    @Inject
    ViewCaches caches;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @ConfigProperty(name = "ballast.cache.notify.channel")
    String channel;

    @Test
    void aNoticeFromAnotherReplicaEmptiesTheEntriesItNames() throws Exception {
        awaitTrue(listener::listening, 10_000, "listening");
        Account author = register("noticed");
        String slug = createArticle(author, "Noticed article", List.of());
        String other = createArticle(author, "Untouched article", List.of());
        fill(slug);
        fill(other);
        assertTrue(cached(ReadCaches.ARTICLE, slug) && cached(ReadCaches.COMMENTS, slug) && cached(ReadCaches.ARTICLE, other));

        double before = received("other");
        notify(notice("replica-b", new JsonObject().put(ReadCaches.ARTICLE, new JsonArray().add(slug)), null));
        awaitTrue(() -> !cached(ReadCaches.ARTICLE, slug), 2_000, "the named article emptied");
        assertTrue(cached(ReadCaches.COMMENTS, slug), "its comments, not named, stay cached");
        assertTrue(cached(ReadCaches.ARTICLE, other), "another article stays cached");
        assertEquals(before + 1, received("other"));

        notify(notice("replica-b", null, new JsonArray().add(ReadCaches.ARTICLE)));
        awaitTrue(() -> !cached(ReadCaches.ARTICLE, other), 2_000, "the whole cache emptied");
        assertTrue(cached(ReadCaches.COMMENTS, slug), "other caches stay");
    }

    @Test
    void aNoticeFromAnotherReplicaEmptiesAnAuthorsTimelineAndAnArticlesListView() throws Exception {
        awaitTrue(listener::listening, 10_000, "listening");
        Account author = register("timeline");
        Account reader = register("follower");
        follow(reader, author);
        String slug = createArticle(author, "On a timeline", List.of());
        long authorId = userId(author);
        reader.as().get("/api/articles/feed").then().statusCode(200);
        assertTrue(cached(ReadCaches.ARTICLE_TIMELINES, authorId) && cached(ReadCaches.LIST_VIEWS, slug), "the feed's parts cached");

        notify(notice("replica-b", new JsonObject().put(ReadCaches.ARTICLE_TIMELINES, new JsonArray().add(authorId)), null));
        awaitTrue(() -> !cached(ReadCaches.ARTICLE_TIMELINES, authorId), 2_000, "the author's timeline emptied");
        assertTrue(cached(ReadCaches.LIST_VIEWS, slug), "the list view, not named, stays");
        notify(notice("replica-b", new JsonObject().put(ReadCaches.LIST_VIEWS, new JsonArray().add(slug)), null));
        awaitTrue(() -> !cached(ReadCaches.LIST_VIEWS, slug), 2_000, "the article's list view emptied");
    }

    @Test
    void itsOwnNoticesAreSkipped() throws Exception {
        awaitTrue(listener::listening, 10_000, "listening");
        Account author = register("own");
        String slug = createArticle(author, "Own notice", List.of());
        fill(slug);
        double before = received("own");
        notify(notice(listener.instanceId(), new JsonObject().put(ReadCaches.ARTICLE, new JsonArray().add(slug)), null));
        awaitTrue(() -> received("own") > before, 2_000, "own notice heard");
        assertTrue(cached(ReadCaches.ARTICLE, slug), "own notice skipped: this replica emptied before answering the write");
    }

    @Test
    void aWriteAnnouncesWhatItChangedInOneNotice() throws Exception {
        Account author = register("announcer");
        String slug = createArticle(author, "Announced article", List.of());
        Thread.sleep(10 * CacheNoticeSender.COALESCE_MILLIS); // the notice of the article's creation has gone out
        try (Connection connection = connect()) {
            connection.createStatement().execute("listen " + channel);
            author.as().body(Map.of("comment", Map.of("body", "hello"))).post("/api/articles/" + slug + "/comments")
                    .then().statusCode(200);
            List<PGNotification> notifications = notifications(connection, 1);
            assertEquals(1, notifications.size(), "one notice for one write");
            assertEquals(listener.listenerProcessId().orElseThrow(), notifications.get(0).getPID(),
                    "sent on the notice connection, after the write's transaction");
            JsonObject notice = new JsonObject(notifications.get(0).getParameter());
            assertEquals(listener.instanceId(), notice.getString("from"));
            assertEquals(new JsonArray().add(slug), notice.getJsonObject("keys").getJsonArray(ReadCaches.COMMENTS));

            author.as().body(Map.of("article", Map.of("title", "Announced article, renamed"))).put("/api/articles/" + slug)
                    .then().statusCode(200);
            notice = heard(connection, 1).get(0);
            assertTrue(notice.getJsonArray("all").contains(ReadCaches.ARTICLE_LISTS), notice.encode());
            assertFalse(notice.getJsonArray("all").contains(ReadCaches.TAGS), "a new title leaves the tags: " + notice.encode());
            JsonArray articles = notice.getJsonObject("keys").getJsonArray(ReadCaches.ARTICLE);
            assertTrue(articles.contains(slug) && articles.size() == 2, "old and new slug: " + notice.encode());
            JsonArray listViews = notice.getJsonObject("keys").getJsonArray(ReadCaches.LIST_VIEWS);
            assertTrue(listViews.contains(slug) && listViews.size() == 2, "old and new slug's list views: " + notice.encode());
            JsonArray timelines = notice.getJsonObject("keys").getJsonArray(ReadCaches.ARTICLE_TIMELINES);
            assertTrue(timelines.size() == 1 && timelines.getLong(0) == userId(author), "the author's timeline: " + notice.encode());
        }
    }

    @Test
    void aKilledListenerListensAgainByItselfAndEmptiesItsCaches() throws Exception {
        awaitTrue(listener::listening, 10_000, "listening");
        int pid = listener.listenerProcessId().orElseThrow();
        double reconnects = registry.counter("ballast.cache.listener.reconnects").count();
        Account author = register("reconnect");
        String slug = createArticle(author, "Reconnecting", List.of());
        fill(slug);

        // The listener warns that it lost its connection: on purpose (listed in .ci/allowed-warnings).
        try (Connection connection = connect();
             PreparedStatement kill = connection.prepareStatement("select pg_terminate_backend(?)")) {
            kill.setInt(1, pid);
            kill.executeQuery();
        }
        awaitTrue(() -> registry.counter("ballast.cache.listener.reconnects").count() > reconnects, 10_000, "reconnected");
        awaitTrue(listener::listening, 10_000, "listening again");
        assertNotEquals(pid, listener.listenerProcessId().orElseThrow(), "a new backend");
        assertFalse(cached(ReadCaches.ARTICLE, slug), "every cache emptied after a loss: notices may have been missed");

        fill(slug);
        notify(notice("replica-b", new JsonObject().put(ReadCaches.ARTICLE, new JsonArray().add(slug)), null));
        awaitTrue(() -> !cached(ReadCaches.ARTICLE, slug), 2_000, "notices heard again after reconnecting");

        try (Connection connection = connect()) {
            connection.createStatement().execute("listen " + channel);
            author.as().body(Map.of("comment", Map.of("body", "after the loss"))).post("/api/articles/" + slug + "/comments")
                    .then().statusCode(200);
            List<PGNotification> notifications = notifications(connection, 1);
            assertEquals(1, notifications.size(), "this replica's notices go out again");
            assertEquals(listener.listenerProcessId().orElseThrow(), notifications.get(0).getPID(), "on the new connection");
        }
    }

    private void fill(String slug) {
        anonymous().get("/api/articles/" + slug).then().statusCode(200);
        anonymous().get("/api/articles/" + slug + "/comments").then().statusCode(200);
    }

    private boolean cached(String cacheName, Object key) {
        return caches.named(cacheName).keys().contains(key);
    }

    private double received(String origin) {
        return registry.counter("ballast.cache.notices.received", "origin", origin).count();
    }

    private static String notice(String from, JsonObject keys, JsonArray all) {
        JsonObject notice = new JsonObject().put("v", 1).put("from", from).put("at", System.currentTimeMillis());
        if (keys != null) {
            notice.put("keys", keys);
        }
        if (all != null) {
            notice.put("all", all);
        }
        return notice.encode();
    }

    private void notify(String payload) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement notify = connection.prepareStatement("select pg_notify(?, ?)")) {
            notify.setString(1, channel);
            notify.setString(2, payload);
            notify.executeQuery();
        }
    }

    private long userId(Account account) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement select = connection.prepareStatement("select id from users where username = ?")) {
            select.setString(1, account.username());
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** Notices heard on a listening JDBC connection within 5 s, until {@code expected} of them. */
    private static List<JsonObject> heard(Connection connection, int expected) throws SQLException {
        return notifications(connection, expected).stream().map(notification -> new JsonObject(notification.getParameter())).toList();
    }

    private static List<PGNotification> notifications(Connection connection, int expected) throws SQLException {
        List<PGNotification> heard = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 5_000;
        while (heard.size() < expected && System.currentTimeMillis() < deadline) {
            PGNotification[] notifications = connection.unwrap(PGConnection.class).getNotifications(200);
            if (notifications != null) {
                heard.addAll(List.of(notifications));
            }
        }
        // Anything more for the same write would arrive at once.
        PGNotification[] more = connection.unwrap(PGConnection.class).getNotifications(200);
        if (more != null) {
            heard.addAll(List.of(more));
        }
        return heard;
    }

    private static void awaitTrue(BooleanSupplier condition, long millis, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(what + ": not within " + millis + " ms");
            }
            Thread.sleep(10);
        }
    }
}

package dev.ballast.db;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.Api;
import dev.ballast.Api.Account;
import dev.ballast.cache.CacheNoticeListener;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service's pool through PgBouncer in transaction mode ({@link LocalPgBouncer}), with what the reactive client
 * needs there: its layer-7 proxy mode and no named prepared statements kept across statements (PgBouncer 1.18 of
 * Debian 12 has no {@code max_prepared_statements}; a server connection serves other clients between transactions).
 * Flyway (JDBC) and the cache notice listener ({@code LISTEN}, which PgBouncer never passes in transaction mode)
 * connect to Postgres directly.
 */
@QuarkusTest
@TestProfile(PgBouncerTest.ThroughPgBouncer.class)
class PgBouncerTest {

    public static class ThroughPgBouncer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.datasource.reactive.postgresql.use-layer7-proxy", "true",
                    "quarkus.datasource.reactive.cache-prepared-statements", "false");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LocalPgBouncer.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Inject
    CacheNoticeListener listener;

    @Inject
    MeterRegistry registry;

    @BeforeEach
    void needsPgBouncer() {
        LocalPgBouncer.assumeAvailable();
    }

    @Test
    void readsWritesAndTransactionsGoThroughPgBouncer() {
        Account author = Api.register("bouncer_author");
        Account reader = Api.register("bouncer_reader");
        String slug = Api.createArticle(author, Api.uniqueName("Through a pooler"), List.of("pooled", "bouncer"));
        for (int i = 0; i < 5; i++) {
            reader.as().body(Map.of("comment", Map.of("body", "comment " + i)))
                    .post("/api/articles/" + slug + "/comments").then().statusCode(200);
        }
        Api.favorite(reader, slug);
        Api.follow(reader, author);
        author.as().body(Map.of("article", Map.of("body", "Changed through PgBouncer")))
                .put("/api/articles/" + slug).then().statusCode(200);

        Api.anonymous().get("/api/articles/" + slug).then().statusCode(200)
                .body("article.body", equalTo("Changed through PgBouncer")).body("article.favoritesCount", equalTo(1));
        reader.as().get("/api/articles/feed").then().statusCode(200).body("articles[0].slug", equalTo(slug));
        Api.anonymous().get("/api/articles/" + slug + "/comments").then().statusCode(200).body("comments.size()", equalTo(5));
        Api.anonymous().body(Map.of("user", Map.of("email", author.email(), "password", Api.PASSWORD)))
                .post("/api/users/login").then().statusCode(200);
    }

    /**
     * A notice sent on Postgres reaches the listener: through PgBouncer in transaction mode its LISTEN would hold no
     * session, and the notice would reach nobody. The payload is not a notice of the service's: it is counted as invalid.
     */
    @Test
    void theCacheNoticeListenerHearsPostgresDirectly() throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!listener.listening() && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
        assertTrue(listener.listening());
        double before = registry.counter("ballast.cache.notices.invalid").count();
        try (Connection direct = LocalPgBouncer.postgres.getPostgresDatabase().getConnection();
             Statement statement = direct.createStatement()) {
            statement.execute("notify ballast_cache, 'not a notice of the service'");
        }
        while (registry.counter("ballast.cache.notices.invalid").count() == before && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
        assertEquals(before + 1, registry.counter("ballast.cache.notices.invalid").count(), "the notice was heard");
    }
}

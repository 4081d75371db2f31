package dev.ballast.db;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A tiny pool, a short acquire timeout and a short statement timeout, to see each bound hold. */
@QuarkusTest
@TestProfile(PoolLimitsTest.TinyPool.class)
class PoolLimitsTest {

    public static class TinyPool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.reactive.max-size", "2",
                    "ballast.db.pool-min", "0",
                    "ballast.db.wait-queue-max", "2",
                    "ballast.db.acquire-timeout-ms", "500",
                    "quarkus.datasource.reactive.additional-properties.statement_timeout", "1000");
        }
    }

    @Inject
    Pool pool;

    @Test
    void everyConnectionCarriesTheStatementTimeout() {
        String timeout = pool.query("show statement_timeout").execute().await().atMost(Duration.ofSeconds(5))
                .iterator().next().getString(0);
        assertEquals("1s", timeout);
    }

    @Test
    void postgresCancelsAStatementThatRunsTooLong() {
        long start = System.nanoTime();
        Throwable failure = assertThrows(Throwable.class,
                () -> pool.query("select pg_sleep(10)").execute().await().atMost(Duration.ofSeconds(8)));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertInstanceOf(PgException.class, failure);
        assertEquals("57014", ((PgException) failure).getSqlState());
        assertTrue(millis < 3000, "cancelled after " + millis + " ms");
        assertTrue(DatabaseFailures.isUnavailable(failure));
    }

    @Test
    void anExhaustedPoolAnswers503WithRetryAfterInsteadOfHanging() {
        // The first request of a fresh application starts its beans and classes (seconds on a loaded machine):
        // not what is timed here.
        given().get("/api/articles/any-slug-at-all").then().statusCode(404);
        List<SqlConnection> held = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                held.add(pool.getConnection().await().atMost(Duration.ofSeconds(5)));
            }
            long start = System.nanoTime();
            given().get("/api/articles/any-slug-at-all")
                    .then().statusCode(503)
                    .header("Retry-After", "1")
                    .body("errors.body", contains("database is busy or unavailable, retry shortly"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 2000, "answered after " + millis + " ms");
        } finally {
            held.forEach(connection -> connection.closeAndAwait());
        }
        given().get("/api/articles/any-slug-at-all").then().statusCode(404);
    }
}

package dev.ballast.db;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.QuietMachine;
import dev.ballast.SmallPoolAndCacheLimitsProfile;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A tiny pool (so one read at a time in the read bulkhead), a short acquire timeout, and the statement timeout every
 * connection carries, to see each bound hold.
 */
@QuarkusTest
@TestProfile(SmallPoolAndCacheLimitsProfile.class)
class PoolLimitsTest {

    @Inject
    Pool pool;

    @Inject
    DatabaseBulkheads bulkheads;

    @Inject
    MeterRegistry registry;

    private double failedCalls(String reason) {
        return registry.counter("ballast.db.calls.failed", "reason", reason).count();
    }

    @Test
    void everyConnectionCarriesTheStatementTimeout() {
        String timeout = pool.query("show statement_timeout").execute().await().atMost(Duration.ofSeconds(5))
                .iterator().next().getString(0);
        assertEquals("5s", timeout, "DB_STATEMENT_TIMEOUT_MS, 5000 by default");
    }

    @Test
    void postgresCancelsAStatementThatRunsTooLong() {
        long start = System.nanoTime();
        Throwable failure = assertThrows(Throwable.class,
                () -> pool.query("select pg_sleep(20)").execute().await().atMost(Duration.ofSeconds(15)));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertInstanceOf(PgException.class, failure);
        assertEquals("57014", ((PgException) failure).getSqlState());
        assertTrue(millis < 7000, "cancelled after " + millis + " ms");
        assertTrue(DatabaseFailures.isUnavailable(failure));
    }

    @Test
    @QuietMachine
    void anExhaustedPoolAnswers503WithRetryAfterInsteadOfHanging() {
        // The first request of a fresh application starts its beans and classes (seconds on a loaded machine):
        // not what is timed here.
        given().get("/api/articles/any-slug-at-all").then().statusCode(404);
        List<SqlConnection> held = new ArrayList<>();
        try {
            for (int i = 0; i < SmallPoolAndCacheLimitsProfile.POOL_SIZE; i++) {
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

    @Test
    void aReadWaitingBehindBusyReadsAnswers503WithinTheAcquireTimeout() {
        given().get("/api/articles/any-slug-at-all").then().statusCode(404); // a warmed application, as above
        // The only read permit, held until released below: the request's read waits in the bulkhead's queue.
        CompletableFuture<String> release = new CompletableFuture<>();
        Uni<String> holder = bulkheads.reading(() -> Uni.createFrom().completionStage(release)).memoize().indefinitely();
        holder.subscribe().with(item -> { }, failure -> { });
        double waitedTooLong = failedCalls("bulkhead-wait");
        double pastDeadline = failedCalls("deadline");
        try {
            given().get("/api/articles/any-slug-at-all")
                    .then().statusCode(503)
                    .header("Retry-After", "1")
                    .body("errors.body", contains("database is busy or unavailable, retry shortly"));
            // What ended the wait was its bound (the acquire timeout, 500 ms here), not the request's deadline
            // (5 s): counted rather than timed, so that a loaded machine cannot blur the two.
            assertEquals(waitedTooLong + 1, failedCalls("bulkhead-wait"));
            assertEquals(pastDeadline, failedCalls("deadline"));
        } finally {
            release.complete("released");
        }
        holder.await().atMost(Duration.ofSeconds(5));
        given().get("/api/articles/any-slug-at-all").then().statusCode(404);
    }
}

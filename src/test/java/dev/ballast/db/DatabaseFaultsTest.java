package dev.ballast.db;

import static dev.ballast.Management.operator;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.Api;
import dev.ballast.ProxiedPostgresAndEdgeLimitsProfile;
import dev.ballast.QuietMachine;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The service between a real Postgres and its clients while Postgres hangs, loses its connections or
 * restarts (through {@link FaultProxy}). The bounds asserted are the service's promises: a request that
 * needs the database is answered 503 within the acquire timeout + 1 s, readiness is DOWN within 5 s, and
 * reads succeed again within 5 s of the database answering, with no restart. On purpose, these faults make the
 * heartbeat warn that the breaker opened, the cache notices warn that their connection was lost, and a statement
 * held by the hung database is logged as slow (listed in .ci/allowed-warnings).
 */
@QuarkusTest
@TestProfile(ProxiedPostgresAndEdgeLimitsProfile.class)
@ExtendWith(ProxiedPostgresAndEdgeLimitsProfile.ClosingEachConnection.class)
class DatabaseFaultsTest {

    static final long ANSWER_BOUND_MS = 1000 + 1000; // DB_CONNECT_TIMEOUT_MS + 1 s
    static final long READINESS_BOUND_MS = 5000;
    static final long RECOVERY_BOUND_MS = 5000;
    static final long QUERY_TIMEOUT_MS = ProxiedPostgresAndEdgeLimitsProfile.QUERY_TIMEOUT_MS;

    @Inject
    Database database;

    @Inject
    Pool pool;

    @Inject
    Vertx vertx;

    @AfterEach
    void databaseBack() {
        ProxiedPostgres.proxy.resume();
        awaitWithin(RECOVERY_BOUND_MS, () -> readStatus() == 404, "reads answer again");
    }

    @Test
    @QuietMachine
    void aHungDatabaseIsAnswered503WithinTheBoundEveryTimeAndReadsResumeAfter() {
        awaitWithin(RECOVERY_BOUND_MS, () -> readStatus() == 404, "reads answer before the fault");
        ProxiedPostgres.proxy.hang();
        long hungAt = System.nanoTime();
        // The first request is in flight when the breaker opens; the next ones are refused at once.
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            given().get("/api/profiles/" + Api.uniqueName("hung")).then()
                    .statusCode(503)
                    .header("Retry-After", "1")
                    .body("errors.body", contains("database is busy or unavailable, retry shortly"));
            assertTrue(millisSince(start) < ANSWER_BOUND_MS, "answered after " + millisSince(start) + " ms");
        }
        operator().get("/q/health/live").then().statusCode(200);
        awaitWithin(READINESS_BOUND_MS - millisSince(hungAt), () -> readinessStatus() == 503, "readiness DOWN");

        ProxiedPostgres.proxy.resume();
        awaitWithin(RECOVERY_BOUND_MS, () -> readStatus() == 404, "reads answer after the hang");
        awaitWithin(RECOVERY_BOUND_MS, () -> readinessStatus() == 200, "readiness UP");
    }

    @Test
    @QuietMachine
    void writesWhileTheDatabaseHangsAreAnswered503Too() {
        Api.Account author = Api.register("hungwriter");
        ProxiedPostgres.proxy.hang();
        long start = System.nanoTime();
        author.as().body(Map.of("article", Map.of("title", "Never", "description", "d", "body", "b",
                        "tagList", List.of("t")))).post("/api/articles")
                .then().statusCode(503).header("Retry-After", "1");
        assertTrue(millisSince(start) < ANSWER_BOUND_MS, "answered after " + millisSince(start) + " ms");
    }

    @Test
    void connectionsCutUnderTheServiceAreReplacedByThePool() {
        awaitWithin(RECOVERY_BOUND_MS, () -> readStatus() == 404, "reads answer before the cut");
        ProxiedPostgres.proxy.cutAll();
        long cutAt = System.nanoTime();
        awaitWithin(RECOVERY_BOUND_MS, () -> {
            int status = readStatus();
            assertTrue(status == 404 || status == 503, "answered " + status);
            return status == 404;
        }, "reads answer after the cut");
        assertTrue(millisSince(cutAt) < RECOVERY_BOUND_MS);
    }

    @Test
    @QuietMachine
    void aRestartedPostgresIsReconnectedWithoutRestartingTheService() {
        awaitWithin(RECOVERY_BOUND_MS, () -> readStatus() == 404, "reads answer before the restart");
        ProxiedPostgres.stopPostgres();
        long start = System.nanoTime();
        assertEquals(503, readStatus());
        assertTrue(millisSince(start) < ANSWER_BOUND_MS, "answered after " + millisSince(start) + " ms");
        awaitWithin(READINESS_BOUND_MS, () -> readinessStatus() == 503, "readiness DOWN");

        ProxiedPostgres.startPostgres();
        awaitWithin(RECOVERY_BOUND_MS, () -> readStatus() == 404, "reads answer after the restart");
    }

    @Test
    void aStatementPastItsDeadlineFails503AndItsConnectionIsClosedNotReused() throws Exception {
        long start = System.nanoTime();
        Throwable failure = runOnRequestContext(null, "select pg_sleep(4) as past_deadline");
        long millis = millisSince(start);
        assertTrue(DatabaseFailures.isUnavailable(failure), "failed with " + failure);
        assertTrue(millis >= QUERY_TIMEOUT_MS - 50 && millis < QUERY_TIMEOUT_MS + 500, "failed after " + millis + " ms");
        // Postgres sees the client go away: the connection was closed, not handed back to the pool still busy.
        awaitWithin(1000, () -> sleepersNamed("past_deadline") == 0, "the backend ends with its connection");
    }

    @Test
    void theRequestsOwnDeadlineComesFirstWhenItIsNearer() throws Exception {
        long start = System.nanoTime();
        Throwable failure = runOnRequestContext(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300),
                "select pg_sleep(4) as request_deadline");
        long millis = millisSince(start);
        assertTrue(DatabaseFailures.isUnavailable(failure), "failed with " + failure);
        assertTrue(millis >= 250 && millis < 800, "failed after " + millis + " ms");
    }

    @Test
    void theRunCommandsEmbeddedPostgresIsDurable() {
        assertEquals("on", show("fsync"));
        assertEquals("on", show("synchronous_commit"));
        assertEquals("on", show("full_page_writes"));
    }

    /** Runs a statement through Database on a request's (duplicated) context, with that request deadline if any. */
    private Throwable runOnRequestContext(Long requestDeadline, String sql) throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Context request = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        request.runOnContext(ignored -> {
            if (requestDeadline != null) {
                ContextLocals.put(DatabaseGate.REQUEST_DEADLINE, requestDeadline);
            }
            database.execute(Statement.read("test.sleep", sql), Tuple.tuple()).subscribe().with(
                    rows -> outcome.complete(new AssertionError("the statement was not cut off")),
                    outcome::complete);
        });
        return outcome.get(10, TimeUnit.SECONDS);
    }

    private static long sleepersNamed(String label) {
        try (Connection connection = ProxiedPostgres.direct();
             ResultSet rows = connection.createStatement().executeQuery(
                     "select count(*) from pg_stat_activity where pid <> pg_backend_pid() and query like '%" + label + "%'")) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String show(String setting) {
        return pool.query("show " + setting).execute().await().atMost(Duration.ofSeconds(5)).iterator().next().getString(0);
    }

    private static int readStatus() {
        Response response = given().get("/api/profiles/" + Api.uniqueName("nobody"));
        return response.statusCode();
    }

    private static int readinessStatus() {
        return operator().get("/q/health/ready").statusCode();
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** Polls the condition until it holds, failing once the bound has passed. */
    private static void awaitWithin(long boundMillis, BooleanSupplier condition, String what) {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (millisSince(start) > boundMillis) {
                throw new AssertionError(what + ": not within " + boundMillis + " ms");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

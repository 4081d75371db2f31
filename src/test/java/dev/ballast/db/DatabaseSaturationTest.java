package dev.ballast.db;

import static dev.ballast.Management.operator;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.QuietMachine;
import dev.ballast.SmallPoolAndCacheLimitsProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A saturated database (every pooled connection busy with a slow statement, Postgres still answering): a
 * request that needs the database gets 503 with Retry-After within its deadline, while a cached
 * anonymous read, liveness and readiness (the heartbeat has a connection of its own) keep answering; when the
 * slow statements end, the request is served again.
 */
@QuarkusTest
@TestProfile(SmallPoolAndCacheLimitsProfile.class)
class DatabaseSaturationTest {

    @Inject
    DatabaseGate gate;

    @Test
    @QuietMachine
    void databaseBoundRequestsAre503WhileCachedReadsAndProbesAnswer() {
        given().get("/api/tags").then().statusCode(200); // now cached, for the whole test in the test profile (60 s)
        given().get("/api/profiles/no-such-user-saturation").then().statusCode(404);

        List<Uni<Void>> slow = new ArrayList<>();
        for (int i = 0; i < SmallPoolAndCacheLimitsProfile.POOL_SIZE; i++) {
            Uni<Void> call = gate.withConnection(connection -> connection.query("select pg_sleep(4)").execute())
                    .replaceWithVoid().memoize().indefinitely();
            call.subscribe().with(ignored -> { }, failure -> { });
            slow.add(call);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline && status != 503) {
            status = given().get("/api/profiles/no-such-user-saturation").statusCode();
        }
        assertEquals(503, status, "every connection is busy with a slow statement");

        long start = System.nanoTime();
        given().get("/api/profiles/no-such-user-saturation")
                .then().statusCode(503)
                .header("Retry-After", "1")
                .body("errors.body", contains("database is busy or unavailable, retry shortly"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        // Within the request's own deadline (5 s), not DB_CONNECT_TIMEOUT_MS + 1 s (1.5 s here): on a heavily loaded
        // build machine this 503 came after 3.2 to 4.0 s in four runs (PoolLimitsTest's exhausted-pool case was
        // as slow then); whether only load, is open: see docs/resilience.md.
        assertTrue(millis < 5000, "answered after " + millis + " ms");
        given().get("/api/tags").then().statusCode(200);
        operator().get("/q/health/live").then().statusCode(200);
        operator().get("/q/health/ready").then().statusCode(200);

        slow.forEach(call -> call.await().atMost(Duration.ofSeconds(10)));
        given().get("/api/profiles/no-such-user-saturation").then().statusCode(404);
    }
}

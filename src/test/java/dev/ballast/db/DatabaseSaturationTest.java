package dev.ballast.db;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A saturated database (as many slow statements in flight as the database-call limit allows): a request that
 * needs the database gets 503 with Retry-After at once instead of waiting for a connection or its deadline,
 * while cached anonymous reads and liveness keep answering; when the slow statements end, it is served again.
 */
@QuarkusTest
@TestProfile(DatabaseSaturationTest.SmallLimit.class)
class DatabaseSaturationTest {

    public static class SmallLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // No pool warming meanwhile: its touches go through the gate too and would take one of the three permits.
            return Map.of("ballast.db.limit.max", "3", "ballast.db.limit.min", "3", "ballast.db.pool-warm-interval", "3600s");
        }
    }

    @Inject
    DatabaseGate gate;

    @Test
    void callsPastTheLimitAre503AtOnceWhileCachedReadsAndLivenessAnswer() {
        given().get("/api/tags").then().statusCode(200); // now cached
        given().get("/api/articles/no-such-article").then().statusCode(404);

        List<Uni<Void>> slow = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            slow.add(gate.withConnection(connection -> connection.query("select pg_sleep(2)").execute()).replaceWithVoid()
                    .memoize().indefinitely());
        }
        slow.forEach(call -> call.subscribe().with(ignored -> { }, failure -> { }));
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (System.nanoTime() < deadline) { // the three calls take their permits as soon as they are subscribed
            if (given().get("/api/articles/no-such-article").statusCode() == 503) {
                break;
            }
        }

        long[] millis = new long[5];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            given().get("/api/articles/no-such-article")
                    .then().statusCode(503)
                    .header("Retry-After", "1")
                    .body("errors.body", contains("database is busy or unavailable, retry shortly"));
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        // The pool has 20 connections: without the limit these would be served (404). Refused at once, not after
        // waiting for a permit; the median, so that one stall of a loaded build machine does not decide.
        Arrays.sort(millis);
        assertTrue(millis[2] < 500 && millis[4] < 2000, "refused after " + Arrays.toString(millis) + " ms");
        given().get("/api/tags").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);

        slow.forEach(call -> call.await().atMost(Duration.ofSeconds(10)));
        given().get("/api/articles/no-such-article").then().statusCode(404);
    }
}

package dev.ballast.health;

import static dev.ballast.Management.operator;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.Api;
import dev.ballast.ProxiedPostgresAndEdgeLimitsProfile;
import dev.ballast.db.ProxiedPostgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With the database unreachable the process stays alive (no restart loop) but stops taking traffic, as its probes on
 * the management port say. The database is stopped for these tests and started again after them. On purpose, the
 * heartbeat warns that it gets no answer and the cache notices that their connection was lost (listed in
 * .ci/allowed-warnings).
 */
@QuarkusTest
@TestProfile(ProxiedPostgresAndEdgeLimitsProfile.class)
@ExtendWith(ProxiedPostgresAndEdgeLimitsProfile.ClosingEachConnection.class)
class HealthTest {

    @BeforeAll
    static void databaseDown() {
        ProxiedPostgres.stopPostgres();
    }

    @AfterAll
    static void databaseBack() {
        ProxiedPostgres.startPostgres();
        // The heartbeat answers again: the pool has let go of the connections Postgres closed and opens new ones.
        awaitStatus(200, () -> operator().get("/q/health/ready").statusCode(), "readiness UP again");
    }

    @Test
    void livenessIsUpAndReadinessDownWhileTheDatabaseIsUnreachable() {
        awaitStatus(503, () -> operator().get("/q/health/ready").statusCode(), "readiness DOWN");
        operator().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        operator().get("/q/health/started").then().statusCode(200);
        operator().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'database' }.status", equalTo("DOWN"));
    }

    @Test
    void requestsNeedingTheDatabaseGet503NotA500() {
        given().get("/api/profiles/" + Api.uniqueName("unreachable")).then().statusCode(503).header("Retry-After", "1");
    }

    /** Polls a status until it is the one expected, for at most 30 s (the heartbeat notices within about a second). */
    private static void awaitStatus(int expected, IntSupplier status, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int last = status.getAsInt();
        while (last != expected && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = status.getAsInt();
        }
        assertEquals(expected, last, what);
    }
}

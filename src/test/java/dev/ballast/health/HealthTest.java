package dev.ballast.health;

import static dev.ballast.Management.operator;
import static dev.ballast.PackagedService.freePort;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With the database unreachable the process stays alive (no restart loop) but stops taking traffic, as its probes on
 * the management port say. On purpose, the start-up warns that the heartbeat gets no answer, the connection budget
 * cannot be read and the cache notices cannot listen (listed in .ci/allowed-warnings).
 */
@QuarkusTest
@TestProfile(HealthTest.UnreachableDatabase.class)
class HealthTest {

    public static class UnreachableDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String url = "postgresql://127.0.0.1:" + freePort() + "/nowhere";
            return Map.of("quarkus.datasource.reactive.url", url,
                    "quarkus.datasource.jdbc.url", "jdbc:" + url,
                    "quarkus.datasource.username", "nobody",
                    "quarkus.datasource.password", "nothing",
                    "quarkus.flyway.migrate-at-start", "false");
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Test
    void livenessIsUpAndReadinessDownWhileTheDatabaseIsUnreachable() {
        operator().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        operator().get("/q/health/started").then().statusCode(200);
        operator().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'database' }.status", equalTo("DOWN"));
    }

    @Test
    void requestsNeedingTheDatabaseGet503NotA500() {
        given().get("/api/tags").then().statusCode(503).header("Retry-After", "1");
    }
}

package dev.ballast.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * With the database unreachable the process stays alive (no restart loop) but stops taking traffic. On purpose,
 * the start-up warns that the heartbeat gets no answer, the connection budget cannot be read and the cache notices
 * cannot listen (listed in .ci/allowed-warnings).
 */
@QuarkusTest
@TestProfile(HealthTest.UnreachableDatabase.class)
class HealthTest {

    @Inject
    Vertx vertx;

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
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/started").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
    }

    @Test
    void aFailedProbeCompletesItsResultOnce() throws InterruptedException {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        Handler<Throwable> logging = vertx.exceptionHandler();
        vertx.exceptionHandler(failure -> {
            uncaught.add(failure);
            logging.handle(failure);
        });
        try {
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'database' }.status", equalTo("DOWN"));
            // Vert.x's pool.query() path failed the result again when its acquire timer (1 s here) fired.
            Thread.sleep(1500);
            assertEquals(List.of(), uncaught);
        } finally {
            vertx.exceptionHandler(logging);
        }
    }

    @Test
    void requestsNeedingTheDatabaseGet503NotA500() {
        given().get("/api/tags").then().statusCode(503).header("Retry-After", "1");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

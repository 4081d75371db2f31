package dev.ballast.db;

import static dev.ballast.PackagedService.freePort;
import static dev.ballast.PackagedService.launcher;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Three replicas of the packaged service starting at the same moment against one empty database: Flyway's
 * lock lets one migrate while the others wait, and all three come up ready on the same schema.
 */
class ConcurrentStartIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void threeReplicasStartingTogetherMigrateOnce() throws Exception {
        Map<String, String> database = EmbeddedDatabase.start(null);
        List<Process> replicas = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        List<Integer> managementPorts = new ArrayList<>();
        Path logs = Files.createTempDirectory("replicas");
        try {
            for (int i = 0; i < 3; i++) {
                int port = freePort();
                int managementPort = freePort();
                ports.add(port);
                managementPorts.add(managementPort);
                List<String> options = new ArrayList<>();
                database.forEach((key, value) -> options.add("-D" + key + "=" + value));
                options.add("-Dquarkus.http.port=" + port);
                options.add("-Dquarkus.management.port=" + managementPort);
                List<String> command = launcher(options);
                replicas.add(new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(logs.resolve("replica" + i + ".log").toFile()).start());
            }
            for (int i = 0; i < 3; i++) {
                assertTrue(awaitReady(managementPorts.get(i), replicas.get(i)), "replica " + i + " ready; log: "
                        + Files.readString(logs.resolve("replica" + i + ".log")));
            }

            try (Connection connection = DriverManager.getConnection(database.get("quarkus.datasource.jdbc.url"),
                    database.get("quarkus.datasource.username"), database.get("quarkus.datasource.password"));
                 ResultSet history = connection.createStatement().executeQuery(
                         "select count(*), count(distinct version), bool_and(success) from flyway_schema_history where version is not null")) {
                history.next();
                long migrations = migrationScripts();
                assertEquals(migrations, history.getLong(1), "each migration applied exactly once");
                assertEquals(migrations, history.getLong(2));
                assertTrue(history.getBoolean(3), "every migration succeeded");
            }
            for (int port : ports) {
                HttpResponse<String> tags = servedOnceWarm(URI.create("http://127.0.0.1:" + port + "/api/tags"));
                assertEquals(200, tags.statusCode(), tags.body());
            }
        } finally {
            replicas.forEach(Process::destroy);
            for (Process replica : replicas) {
                replica.waitFor();
            }
        }
    }

    /**
     * Three JVMs that have just started compile their request paths at once on this machine's cores, so a
     * replica's event loops can run late, and admission control answers a request that waited past
     * ADMISSION_QUEUE_TIMEOUT with 503 and Retry-After, as it must. The replica is asked as a client honouring
     * Retry-After would ask it (a few times at most); anything but 503 ends the asking.
     */
    private static HttpResponse<String> servedOnceWarm(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> answer = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            answer = HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 503) {
                break;
            }
            Thread.sleep(1000L * Long.parseLong(answer.headers().firstValue("Retry-After").orElseThrow()));
        }
        return answer;
    }

    private static long migrationScripts() throws IOException {
        try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
            return files.filter(file -> file.getFileName().toString().matches("V\\d+(_\\d+)*__.*\\.sql")).count();
        }
    }

    /** Readiness, on the replica's management port. */
    private static boolean awaitReady(int managementPort, Process replica) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline && replica.isAlive()) {
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        return false;
    }
}

package dev.ballast.db;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An embedded Postgres configured as the run command's (durable, with a data directory kept across
 * restarts) behind a {@link FaultProxy}: the service reaches it only through the proxy, the tests may
 * stop and start it on the same port and data directory. The test resource of
 * {@link dev.ballast.ProxiedPostgresAndEdgeLimitsProfile}.
 */
public class ProxiedPostgres implements QuarkusTestResourceLifecycleManager {

    static FaultProxy proxy;
    private static Path dataDir;
    private static int port;
    private static EmbeddedPostgres postgres;

    @Override
    public Map<String, String> start() {
        try {
            dataDir = Files.createTempDirectory("ballast-faults-pg");
            postgres = builder().start();
            port = postgres.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        proxy = new FaultProxy(port);
        Map<String, String> config = new HashMap<>(EmbeddedDatabase.datasource(postgres));
        config.put(EmbeddedDatabase.REACTIVE_URL, "postgresql://localhost:" + proxy.port() + "/postgres");
        return config;
    }

    @Override
    public void stop() {
        proxy.close();
        stopPostgres();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void stopPostgres() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void startPostgres() {
        try {
            postgres = builder().setPort(port).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A connection straight to Postgres, around the proxy. */
    static Connection direct() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "postgres");
    }

    private static EmbeddedPostgres.Builder builder() {
        // Postgres notices within 100 ms that a client closed its connection, even in the middle of a statement.
        return EmbeddedDatabase.builder(dataDir).setServerConfig("client_connection_check_interval", "100ms");
    }
}

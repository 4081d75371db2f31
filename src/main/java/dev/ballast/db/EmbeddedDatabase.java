package dev.ballast.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Starts a real Postgres from Maven artifacts when no database URL is configured: the run command keeps
 * its data directory between runs, the tests start a throw-away one. Never part of the native executable.
 */
public final class EmbeddedDatabase {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);
    static final String REACTIVE_URL = "quarkus.datasource.reactive.url";

    private EmbeddedDatabase() {
    }

    /** Starts a persistent embedded Postgres unless a database URL is set as a system property or in the environment. */
    public static void startUnlessConfigured() {
        if (System.getProperty(REACTIVE_URL) != null || System.getenv("QUARKUS_DATASOURCE_REACTIVE_URL") != null) {
            return;
        }
        Path dataDir = Path.of(System.getenv().getOrDefault("EMBEDDED_PG_DATA_DIR", "data/postgres")).toAbsolutePath();
        LOG.infof("No database URL configured: starting an embedded Postgres with its data in %s", dataDir);
        start(dataDir).forEach(System::setProperty);
    }

    /**
     * Starts an embedded Postgres (a throw-away one when {@code dataDir} is null) and returns the datasource
     * configuration that points at it. The server stops with the JVM.
     */
    public static Map<String, String> start(Path dataDir) {
        try {
            return datasource(builder(dataDir).start());
        } catch (IOException e) {
            throw new UncheckedIOException(couldNotStart(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(couldNotStart(), e);
        }
    }

    /**
     * Postgres refuses to run as root; as root, the embedded one starts its processes as another user through
     * {@code unshare}, which the default seccomp profile of container runtimes blocks.
     */
    private static String couldNotStart() {
        return "root".equals(System.getProperty("user.name"))
                ? "Could not start the embedded Postgres as root: Postgres never runs as root, and the way round it"
                        + " (unshare) is blocked here, as in most containers by default. Run as a user other than root,"
                        + " or give the container the unshare system call (docker run --security-opt seccomp=unconfined),"
                        + " or point QUARKUS_DATASOURCE_REACTIVE_URL at a Postgres of your own"
                : "Could not start the embedded Postgres";
    }

    /**
     * How the embedded Postgres is configured. With a data directory (the run command) it is durable:
     * zonky starts Postgres with {@code fsync} and {@code synchronous_commit} off, so both are turned back on
     * (a crash of the machine must not lose an acknowledged write). A throw-away one (tests) keeps them off.
     */
    public static EmbeddedPostgres.Builder builder(Path dataDir) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setServerConfig("max_connections", "200")
                .setServerConfig("shared_buffers", "128MB")
                // A failed statement goes back to the service, which answers it (a taken username is a 422, a
                // cancelled statement a 503): the server's own log need not repeat it as an ERROR line.
                .setServerConfig("log_min_messages", "fatal");
        if (dataDir != null) {
            builder.setDataDirectory(dataDir.toFile()).setCleanDataDirectory(false)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on");
        }
        return builder;
    }

    /** The datasource configuration that points at a running embedded Postgres. */
    public static Map<String, String> datasource(EmbeddedPostgres postgres) {
        String url = "postgresql://localhost:" + postgres.getPort() + "/postgres";
        return Map.of(
                REACTIVE_URL, url,
                "quarkus.datasource.jdbc.url", "jdbc:" + url,
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }
}

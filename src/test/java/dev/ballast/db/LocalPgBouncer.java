package dev.ballast.db;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away embedded Postgres behind a local PgBouncer in transaction mode, as a Kubernetes {@code Pooler} runs it:
 * the service's pool goes through PgBouncer, Flyway and the cache notice listener straight to Postgres. PgBouncer
 * never runs as root: as root it is started as {@code nobody}.
 * <p>
 * Without a {@code pgbouncer} binary (on the PATH, in {@code /usr/sbin}, or named by {@code -Dballast.pgbouncer=PATH})
 * the tests that need it are skipped with a message saying how to get one ({@link #assumeAvailable()}), unless
 * {@code -Dballast.pgbouncer.required=true} (set by {@code .ci/run}) makes that a failure.
 */
public class LocalPgBouncer implements QuarkusTestResourceLifecycleManager {

    private static final String HOW_TO_GET_ONE = "Install PgBouncer (Debian and Ubuntu: apt-get install pgbouncer) or pass "
            + "-Dballast.pgbouncer=/path/to/pgbouncer.";

    static EmbeddedPostgres postgres;
    private static boolean skipSaid;
    static int port;
    private static Process pgbouncer;
    private static Path directory;

    /** Skips the calling test (or fails it, when required) unless a pgbouncer binary is there. */
    static synchronized void assumeAvailable() {
        if (binary() != null) {
            return;
        }
        String named = System.getProperty("ballast.pgbouncer");
        String missing = named != null ? "no pgbouncer at " + named + "." : "no pgbouncer binary on the PATH or in /usr/sbin.";
        if (Boolean.getBoolean("ballast.pgbouncer.required")) {
            fail("The PgBouncer tests are required here (-Dballast.pgbouncer.required=true) but cannot run: " + missing
                    + " " + HOW_TO_GET_ONE);
        }
        if (!skipSaid) { // Surefire reports a skip only as a count: say once, on the console, what is skipped and why.
            System.out.println("Skipping the PgBouncer tests (PgBouncerTest): " + missing + " " + HOW_TO_GET_ONE);
            skipSaid = true;
        }
        abort("PgBouncer tests skipped: " + missing + " " + HOW_TO_GET_ONE);
    }

    private static String binary() {
        String named = System.getProperty("ballast.pgbouncer");
        if (named != null) {
            return new File(named).canExecute() ? named : null;
        }
        for (String directory : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin")
                .split(File.pathSeparator)) {
            File candidate = new File(directory, "pgbouncer");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        return null;
    }

    @Override
    public Map<String, String> start() {
        if (binary() == null) {
            // The test itself is skipped (or fails) in its own check: the service runs on Postgres alone meanwhile.
            return startPostgres(null);
        }
        try {
            directory = Files.createTempDirectory("ballast-pgbouncer");
            postgres = EmbeddedDatabase.builder(null).start();
            port = freePort();
            Path ini = directory.resolve("pgbouncer.ini");
            Files.writeString(ini, """
                    [databases]
                    postgres = host=localhost port=%d dbname=postgres user=postgres

                    [pgbouncer]
                    listen_addr = 127.0.0.1
                    listen_port = %d
                    unix_socket_dir =
                    auth_type = any
                    admin_users = postgres
                    pool_mode = transaction
                    default_pool_size = 10
                    max_client_conn = 500
                    ; The reactive client sends statement_timeout at start-up, the JDBC driver extra_float_digits: a
                    ; pooler cannot keep a session's settings for it (set statement_timeout on the role instead).
                    ignore_startup_parameters = extra_float_digits,statement_timeout
                    """.formatted(postgres.getPort(), port));
            // Readable by the user PgBouncer runs as (nobody, when started as root).
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(ini, PosixFilePermissions.fromString("rw-r--r--"));
            ProcessBuilder command = "root".equals(System.getProperty("user.name"))
                    ? new ProcessBuilder(binary(), "-u", "nobody", ini.toString())
                    : new ProcessBuilder(binary(), ini.toString());
            pgbouncer = command.redirectErrorStream(true).redirectOutput(directory.resolve("pgbouncer.log").toFile()).start();
            awaitListening();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return startPostgres("postgresql://localhost:" + port + "/postgres");
    }

    private static Map<String, String> startPostgres(String pooledUrl) {
        if (postgres == null) {
            try {
                postgres = EmbeddedDatabase.builder(null).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Map<String, String> config = new HashMap<>(EmbeddedDatabase.datasource(postgres));
        if (pooledUrl != null) {
            String direct = config.get("quarkus.datasource.reactive.url");
            config.put("quarkus.datasource.reactive.url", pooledUrl);
            config.put("quarkus.datasource.jdbc.url", "jdbc:" + direct);
            config.put("ballast.direct-db.url", direct);
        }
        return config;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitListening() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (!pgbouncer.isAlive() || System.nanoTime() - deadline > 0) {
                    throw new IOException("PgBouncer did not listen on port " + port + ":\n"
                            + Files.readString(directory.resolve("pgbouncer.log")));
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
    }

    @Override
    public void stop() {
        if (pgbouncer != null) {
            pgbouncer.destroy();
            try {
                pgbouncer.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

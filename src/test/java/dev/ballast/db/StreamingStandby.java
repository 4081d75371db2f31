package dev.ballast.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A streaming standby of a running embedded Postgres, from the same embedded binaries (which have no
 * {@code pg_basebackup}): a file copy of the primary's data directory taken with the primary in backup mode
 * ({@code pg_backup_start} / {@code pg_backup_stop} on one session, whose label goes into the copy), plus
 * {@code standby.signal} and {@code primary_conninfo}, started on a port of its own. A physical replication slot,
 * made before the copy, keeps the WAL the standby still needs, also while it is stopped. Runs as root as the
 * primary does (the embedded Postgres starts its processes in a user namespace) and as any other user.
 */
public final class StreamingStandby implements Closeable {

    private static final String SLOT = "ballast_standby";
    /** Not copied (their contents): the server's own run-time state, rebuilt by the standby, and WAL it streams. */
    private static final Set<String> EMPTIED = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial",
            "pg_snapshots", "pg_stat_tmp", "pg_subtrans");
    /** Not copied at all: the primary's process and lock files (the last one is the embedded library's). */
    private static final Set<String> LEFT_OUT = Set.of("postmaster.pid", "postmaster.opts", "epg-lock");

    private final int primaryPort;
    private final Path dataDir;
    private int port;
    private EmbeddedPostgres postgres;

    private StreamingStandby(int primaryPort, Path dataDir) {
        this.primaryPort = primaryPort;
        this.dataDir = dataDir;
    }

    /** A new standby of the embedded Postgres listening on {@code primaryPort}, started and streaming. */
    public static StreamingStandby of(int primaryPort) {
        try {
            StreamingStandby standby = new StreamingStandby(primaryPort, Files.createTempDirectory("ballast-standby"));
            standby.copyPrimary();
            standby.start();
            standby.awaitStreaming(Duration.ofSeconds(30));
            return standby;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not make a standby of the Postgres on port " + primaryPort, e);
        }
    }

    public int port() {
        return port;
    }

    /** The reactive URL of the standby. */
    public String url() {
        return "postgresql://localhost:" + port + "/postgres";
    }

    /** Stops replaying WAL: the standby answers from what it has, and falls behind every later commit. */
    public void pauseReplay() {
        run("select pg_wal_replay_pause()");
    }

    public void resumeReplay() {
        run("select pg_wal_replay_resume()");
    }

    /** Stops the standby's server (its data directory stays, and the slot keeps its WAL on the primary). */
    public synchronized void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            postgres = null;
        }
    }

    /** Starts the standby again on the same port and data directory; it catches up from where it was. */
    public synchronized void start() {
        try {
            postgres = EmbeddedDatabase.builder(null)
                    .setDataDirectory(dataDir.toFile()).setCleanDataDirectory(false)
                    .setPort(port)
                    .start();
            port = postgres.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the standby has replayed everything the primary had committed when this was called (the insert
     * position: with {@code synchronous_commit} off, a commit may not be written yet when it returns).
     */
    public void awaitCaughtUp(Duration within) {
        try (Connection primary = connect(primaryPort); Connection standby = connect(port)) {
            String target = single(primary, "select pg_current_wal_insert_lsn()::text");
            long deadline = System.nanoTime() + within.toNanos();
            while (!"true".equals(single(standby,
                    "select coalesce(pg_last_wal_replay_lsn() >= '" + target + "'::pg_lsn, false)::text"))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("the standby did not replay " + target + " within " + within);
                }
                Thread.sleep(20);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the standby, drops its slot on the primary (if the primary still runs) and deletes its data directory. */
    @Override
    public void close() {
        stop();
        try (Connection primary = connect(primaryPort); Statement statement = primary.createStatement()) {
            statement.execute("select pg_drop_replication_slot('" + SLOT + "')");
        } catch (SQLException e) {
            // The primary stopped first: the slot went with it.
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JDBC connection to the standby (read-only: it is in recovery). */
    public Connection connect() throws SQLException {
        return connect(port);
    }

    private void copyPrimary() throws IOException, SQLException {
        try (Connection primary = connect(primaryPort); Statement statement = primary.createStatement()) {
            Path primaryDir = Path.of(single(primary, "show data_directory"));
            statement.execute("select pg_create_physical_replication_slot('" + SLOT + "', true)");
            statement.execute("select pg_backup_start('ballast standby', true)");
            copy(primaryDir, dataDir);
            String label = single(primary, "select labelfile from pg_backup_stop(false)");
            Files.writeString(dataDir.resolve("backup_label"), label);
        }
        Files.writeString(dataDir.resolve("standby.signal"), "");
        Files.writeString(dataDir.resolve("postgresql.auto.conf"), """

                primary_conninfo = 'host=localhost port=%d user=postgres application_name=ballast_standby'
                primary_slot_name = '%s'
                hot_standby_feedback = on
                """.formatted(primaryPort, SLOT), StandardOpenOption.APPEND);
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) throws IOException {
                Path target = to.resolve(from.relativize(directory).toString());
                Files.createDirectories(target);
                if (EMPTIED.contains(directory.getFileName().toString()) && !directory.equals(from)) {
                    if (directory.getFileName().toString().equals("pg_wal")) {
                        Files.createDirectories(target.resolve("archive_status"));
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                String name = file.getFileName().toString();
                if (!LEFT_OUT.contains(name)) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) {
                // A file the primary removed while it was copied (a temporary one): recovery does not need it.
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void awaitStreaming(Duration within) throws SQLException {
        long deadline = System.nanoTime() + within.toNanos();
        try (Connection primary = connect(primaryPort)) {
            while (!"streaming".equals(singleOrNull(primary,
                    "select state from pg_stat_replication where application_name = 'ballast_standby'"))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("the standby on port " + port + " is not streaming after " + within);
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void run(String sql) {
        try (Connection standby = connect(port); Statement statement = standby.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static Connection connect(int port) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "postgres");
    }

    private static String single(Connection connection, String sql) throws SQLException {
        String value = singleOrNull(connection, sql);
        if (value == null) {
            throw new SQLException("no row: " + sql);
        }
        return value;
    }

    private static String singleOrNull(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }
}

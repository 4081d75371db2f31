package dev.ballast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The test harness's standby follows its primary: what the primary commits shows on the standby, not while replay
 * is paused, and again once it resumes or after the standby was stopped and started again. The standby refuses
 * writes and LISTEN, as any standby does.
 */
class StreamingStandbyTest {

    private static EmbeddedPostgres primary;
    private static StreamingStandby standby;

    @BeforeAll
    static void start() throws Exception {
        primary = EmbeddedDatabase.builder(null).start();
        try (Connection connection = primary.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("create table marks (n int)");
        }
        standby = StreamingStandby.of(primary.getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        standby.close();
        primary.close();
    }

    @Test
    void theStandbyReplaysWhatThePrimaryCommitsUnlessPaused() throws Exception {
        mark(1);
        standby.awaitCaughtUp(Duration.ofSeconds(10));
        int before = marksOnStandby();
        assertEquals(marksOnPrimary(), before);

        standby.pauseReplay();
        mark(2);
        Thread.sleep(300);
        assertEquals(before, marksOnStandby(), "replay is paused");

        standby.resumeReplay();
        standby.awaitCaughtUp(Duration.ofSeconds(10));
        assertEquals(before + 1, marksOnStandby());
    }

    @Test
    void aStoppedStandbyCatchesUpWhenStartedAgain() throws Exception {
        standby.stop();
        mark(3);
        standby.start();
        standby.awaitCaughtUp(Duration.ofSeconds(30));
        assertEquals(marksOnPrimary(), marksOnStandby());
    }

    @Test
    void theStandbyRefusesWritesAndListen() throws Exception {
        try (Connection connection = standby.connect(); Statement statement = connection.createStatement()) {
            assertEquals("25006", assertThrows(SQLException.class, () -> statement.execute("insert into marks values (9)"))
                    .getSQLState());
            assertEquals("25006", assertThrows(SQLException.class, () -> statement.execute("listen ballast_cache"))
                    .getSQLState());
        }
    }

    private static void mark(int n) throws SQLException {
        try (Connection connection = primary.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("insert into marks values (" + n + ")");
        }
    }

    private static int marksOnPrimary() throws SQLException {
        try (Connection connection = primary.getPostgresDatabase().getConnection()) {
            return count(connection);
        }
    }

    private static int marksOnStandby() throws SQLException {
        try (Connection connection = standby.connect()) {
            return count(connection);
        }
    }

    private static int count(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("select count(*) from marks")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}

package dev.ballast.article;

import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.register;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ballast.Api.Account;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A write that reaches an article while its author's deletion of it is about to commit waits for that
 * deletion, then finds the article gone: the client hears 404, as for any unknown slug, never a 500.
 */
@QuarkusTest
class DeletionRaceTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aFavoriteThatWaitedForTheArticlesDeletionAnswers404() throws Exception {
        Response response = whileTheArticleIsBeingDeleted(
                (reader, slug) -> reader.as().post("/api/articles/" + slug + "/favorite"));
        assertGone(response);
    }

    @Test
    void aCommentThatWaitedForTheArticlesDeletionAnswers404() throws Exception {
        Response response = whileTheArticleIsBeingDeleted(
                (reader, slug) -> reader.as().body(Map.of("comment", Map.of("body", "too late")))
                        .post("/api/articles/" + slug + "/comments"));
        assertGone(response);
    }

    private static void assertGone(Response response) {
        assertEquals(404, response.statusCode(), response.asString());
        response.then().body("errors.body", contains("article not found"));
    }

    private interface Write {
        Response send(Account reader, String slug);
    }

    /**
     * Deletes a new article in an open transaction, sends the write, waits until Postgres shows it waiting for
     * that transaction's lock, then commits the deletion and answers what the write answered.
     */
    private Response whileTheArticleIsBeingDeleted(Write write) throws Exception {
        Account author = register("deleter");
        Account reader = register("racer");
        String slug = createArticle(author, "Deleted while written to", List.of());
        try (Connection deletion = dataSource.getConnection()) {
            deletion.setAutoCommit(false);
            try (PreparedStatement delete = deletion.prepareStatement("delete from articles where slug = ?")) {
                delete.setString(1, slug);
                assertEquals(1, delete.executeUpdate());
            }
            CompletableFuture<Response> written = CompletableFuture.supplyAsync(() -> write.send(reader, slug));
            awaitWaiterFor(backendOf(deletion), written);
            deletion.commit();
            return written.get(10, TimeUnit.SECONDS);
        }
    }

    private static int backendOf(Connection connection) throws SQLException {
        try (PreparedStatement pid = connection.prepareStatement("select pg_backend_pid()");
             ResultSet rows = pid.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** Until another backend waits for a lock that the backend {@code holder} holds. */
    private void awaitWaiterFor(int holder, CompletableFuture<Response> written) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (Connection observer = dataSource.getConnection();
             PreparedStatement waiting = observer.prepareStatement(
                     "select count(*) from pg_stat_activity where ? = any (pg_blocking_pids(pid))")) {
            observer.setAutoCommit(true);
            waiting.setInt(1, holder);
            while (System.nanoTime() < deadline) {
                assertFalse(written.isDone(), () -> "the write answered before the deletion committed: "
                        + written.join().statusCode() + " " + written.join().asString());
                try (ResultSet rows = waiting.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("the write never waited for the deletion's lock");
    }
}

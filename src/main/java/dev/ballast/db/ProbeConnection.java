package dev.ballast.db;

import dev.ballast.internals.VertxInternals;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import java.util.function.Supplier;

/**
 * One connection of its own, outside any pool, for a check that runs one query now and then (the heartbeat's, a read
 * replica's): a check never waits behind the pool it is about. Opened when a check needs it, forgotten when the server
 * closes it, closed when a check fails, so that the next check starts on a new one. Used from one event loop.
 */
final class ProbeConnection {

    private final Vertx vertx;
    private final Supplier<Future<PgConnection>> open;
    private final String what;
    private PgConnection connection;

    /** @param what names the check in its failures ("heartbeat", "replica check") */
    ProbeConnection(Vertx vertx, Supplier<Future<PgConnection>> open, String what) {
        this.vertx = vertx;
        this.open = open;
        this.what = what;
    }

    /** The query's first row, if it answers within {@code timeoutMillis} (connecting included); else a failure. */
    Future<Row> firstRow(String sql, long timeoutMillis) {
        Promise<Row> answer = Promise.promise();
        long timer = vertx.setTimer(timeoutMillis, id -> answer.tryFail(
                new DatabaseUnavailableException(what + ": no answer within " + timeoutMillis + " ms")));
        connection(answer).compose(opened -> opened.query(sql).execute()).onComplete(result -> {
            vertx.cancelTimer(timer);
            if (result.succeeded()) {
                answer.tryComplete(result.result().iterator().next());
            } else {
                answer.tryFail(result.cause());
            }
        });
        return answer.future().onFailure(failure -> close());
    }

    private Future<PgConnection> connection(Promise<Row> answer) {
        if (connection != null) {
            return Future.succeededFuture(connection);
        }
        return open.get().map(opened -> {
            if (answer.future().isComplete()) { // the deadline passed while connecting
                VertxInternals.VERTX.closeSocket(opened);
                throw new DatabaseUnavailableException(what + ": connected too late");
            }
            connection = opened;
            // A server shutting down tells its clients so before it closes: the check's failure says it well enough.
            opened.exceptionHandler(failure -> { });
            opened.closeHandler(closed -> {
                if (connection == opened) {
                    connection = null;
                }
            });
            return opened;
        });
    }

    void close() {
        if (connection != null) {
            VertxInternals.VERTX.closeSocket(connection);
            connection = null;
        }
    }
}

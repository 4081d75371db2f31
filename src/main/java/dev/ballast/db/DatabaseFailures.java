package dev.ballast.db;

import dev.ballast.internals.VertxInternals;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Tells the database failures a client should hear about from real bugs (a 500): "the database cannot
 * serve this now" (answered 503 with Retry-After) and "the request holds a value Postgres cannot store"
 * (answered 422).
 */
public final class DatabaseFailures {

    private DatabaseFailures() {
    }

    /**
     * The pool exhausted or its queue full, a statement cancelled by {@code statement_timeout} or past its
     * client-side deadline, the server unreachable, not answering, shutting down or out of connections.
     */
    public static boolean isUnavailable(Throwable failure) {
        return anyCause(failure, cause -> cause instanceof DatabaseUnavailableException
                || cause instanceof ConnectionPoolTooBusyException
                || cause instanceof TimeoutException
                || cause instanceof ConnectException
                // The server went away mid-statement (a restart, a crash): the database is the only peer
                // whose failures reach the request path as exceptions.
                || cause instanceof SocketException
                || cause instanceof ClosedConnectionException
                || cause instanceof PgException pg && isUnavailableState(pg.getSqlState())
                // Neither has a type of its own: told by their messages.
                || VertxInternals.VERTX.isAcquireTimeoutOrClosedConnection(cause));
    }

    /** Postgres' data exceptions (SQLSTATE class 22): a value it cannot store, such as a NUL character. */
    public static boolean isUnstorableValue(Throwable failure) {
        return anyCause(failure, cause -> cause instanceof PgException pg
                && pg.getSqlState() != null && pg.getSqlState().startsWith("22"));
    }

    /**
     * A statement's own error, which one call of a write batch can cause alone: a value it cannot store, a
     * constraint it violates, an error the schema raises, a deadlock or lock timeout on the rows it touched; not
     * the database's own trouble (a statement timeout, the connection, its resources, a shutdown), where running
     * each call again would only add load.
     */
    static boolean isStatementsOwn(Throwable failure) {
        return failure instanceof PgException pg && (!isUnavailableState(pg.getSqlState())
                || "40P01".equals(pg.getSqlState()) || "55P03".equals(pg.getSqlState()));
    }

    /**
     * 57014 query_canceled (statement_timeout), class 08 connection exceptions, class 53 insufficient
     * resources (too many connections), 57P01..57P05 shutdown and crash recovery, 40P01 deadlock_detected and
     * 55P03 lock_not_available (a lock_timeout): the transaction was rolled back and a retry can succeed (seen
     * while a migration backfills under traffic: bench/online-migration.sh).
     */
    static boolean isUnavailableState(String sqlState) {
        return sqlState != null && (sqlState.equals("57014") || sqlState.startsWith("08") || sqlState.startsWith("53")
                || sqlState.startsWith("57P") || sqlState.equals("40P01") || sqlState.equals("55P03"));
    }

    private static boolean anyCause(Throwable failure, Predicate<Throwable> test) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (test.test(cause)) {
                return true;
            }
        }
        return false;
    }
}

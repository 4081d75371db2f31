package dev.ballast.db;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * Tells failures that mean "the database cannot serve this now" (pool exhausted or its queue full, a
 * statement cancelled by {@code statement_timeout}, the server unreachable, shutting down or out of
 * connections) from real bugs: the former are answered 503 with Retry-After, the latter 500.
 */
public final class DatabaseUnavailable {

    static final String ACQUIRE_TIMEOUT = "Timeout";

    private DatabaseUnavailable() {
    }

    public static boolean is(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ConnectionPoolTooBusyException
                    || cause instanceof TimeoutException
                    || cause instanceof ConnectException
                    || cause instanceof ClosedConnectionException) {
                return true;
            }
            if (cause instanceof PgException pg && isUnavailableState(pg.getSqlState())) {
                return true;
            }
            // The pool's acquire timeout has no type of its own in Vert.x 4.5, only a message starting with
            // "Timeout" on a VertxException or a NoStackTraceThrowable, depending on how the connection was asked for.
            if ((cause instanceof VertxException || cause instanceof NoStackTraceThrowable)
                    && String.valueOf(cause.getMessage()).startsWith(ACQUIRE_TIMEOUT)) {
                return true;
            }
        }
        return false;
    }

    /**
     * 57014 query_canceled (statement_timeout), class 08 connection exceptions, class 53 insufficient
     * resources (too many connections), 57P01..57P05 shutdown and crash recovery.
     */
    static boolean isUnavailableState(String sqlState) {
        return sqlState != null && (sqlState.equals("57014") || sqlState.startsWith("08") || sqlState.startsWith("53")
                || sqlState.startsWith("57P"));
    }
}

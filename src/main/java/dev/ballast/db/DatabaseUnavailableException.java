package dev.ballast.db;

/**
 * The database did not answer in time (a client-side deadline passed) or is known not to answer (the
 * circuit breaker fed by the heartbeat is open). Answered 503 with Retry-After.
 */
public final class DatabaseUnavailableException extends RuntimeException {

    DatabaseUnavailableException(String message) {
        // No stack trace: during an outage thousands a second are thrown, and where they come from is known.
        super(message, null, false, false);
    }
}

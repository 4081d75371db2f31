package dev.ballast.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class DatabaseFailuresTest {

    @Test
    void overloadAndOutagesAreUnavailable() {
        assertTrue(DatabaseFailures.isUnavailable(new ConnectionPoolTooBusyException("queue full")));
        assertTrue(DatabaseFailures.isUnavailable(new VertxException("Timeout waiting for connection", true)));
        assertTrue(DatabaseFailures.isUnavailable(new io.vertx.core.impl.NoStackTraceThrowable("Timeout")));
        assertTrue(DatabaseFailures.isUnavailable(new CompletionException(new ConnectException("refused"))));
        assertTrue(DatabaseFailures.isUnavailable(new DatabaseUnavailableException("no answer within the deadline")));
        assertTrue(DatabaseFailures.isUnavailable(new SocketException("Connection reset")));
        assertTrue(DatabaseFailures.isUnavailable(new io.vertx.core.impl.NoStackTraceThrowable(
                "Connection is not active now, current status: CLOSED")));
        assertTrue(DatabaseFailures.isUnavailableState("57014"));
        assertTrue(DatabaseFailures.isUnavailableState("53300"));
        assertTrue(DatabaseFailures.isUnavailableState("08006"));
        assertTrue(DatabaseFailures.isUnavailableState("57P01"));
        assertTrue(DatabaseFailures.isUnavailableState("40P01"));
        assertTrue(DatabaseFailures.isUnavailableState("55P03"));
    }

    @Test
    void bugsAreNot() {
        assertFalse(DatabaseFailures.isUnavailable(new IllegalStateException("bug")));
        assertFalse(DatabaseFailures.isUnavailable(new VertxException("something else", true)));
        // A cancelled future says nothing about the database: the one seen under the slow-query burst was a
        // cached read's shared load cancelled by a caller that went away (fixed: a caller of cache/ViewCache only stops listening), a bug.
        assertFalse(DatabaseFailures.isUnavailable(new CancellationException()));
        assertFalse(DatabaseFailures.isUnavailableState("23505"));
        assertFalse(DatabaseFailures.isUnavailableState("42P01"));
        assertFalse(DatabaseFailures.isUnavailableState(null));
    }
}

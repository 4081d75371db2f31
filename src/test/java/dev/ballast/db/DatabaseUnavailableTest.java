package dev.ballast.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class DatabaseUnavailableTest {

    @Test
    void overloadAndOutagesAreUnavailable() {
        assertTrue(DatabaseUnavailable.is(new ConnectionPoolTooBusyException("queue full")));
        assertTrue(DatabaseUnavailable.is(new VertxException("Timeout waiting for connection", true)));
        assertTrue(DatabaseUnavailable.is(new io.vertx.core.impl.NoStackTraceThrowable("Timeout")));
        assertTrue(DatabaseUnavailable.is(new CompletionException(new ConnectException("refused"))));
        assertTrue(DatabaseUnavailable.isUnavailableState("57014"));
        assertTrue(DatabaseUnavailable.isUnavailableState("53300"));
        assertTrue(DatabaseUnavailable.isUnavailableState("08006"));
        assertTrue(DatabaseUnavailable.isUnavailableState("57P01"));
    }

    @Test
    void bugsAreNot() {
        assertFalse(DatabaseUnavailable.is(new IllegalStateException("bug")));
        assertFalse(DatabaseUnavailable.is(new VertxException("something else", true)));
        assertFalse(DatabaseUnavailable.isUnavailableState("23505"));
        assertFalse(DatabaseUnavailable.isUnavailableState("42P01"));
        assertFalse(DatabaseUnavailable.isUnavailableState(null));
    }
}

package dev.ballast.internals;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class KnownFrameworkWarningsTest {

    private final KnownFrameworkWarnings filter = new KnownFrameworkWarnings();

    @Test
    void onlyTheManagementInterfacesDuplicateGaugeIsDropped() {
        assertFalse(filter.isLoggable(record(KnownFrameworkWarnings.LOGGER, "This Gauge has been already registered "
                + "(MeterId{name='http.server.active.connections', tags=[]}), the registration will be ignored.")));
        assertTrue(filter.isLoggable(record(KnownFrameworkWarnings.LOGGER, "This Gauge has been already registered "
                + "(MeterId{name='ballast.admission.limit', tags=[]}), the registration will be ignored.")));
        assertTrue(filter.isLoggable(record("dev.ballast.db.Heartbeat", "already registered "
                + "(MeterId{name='http.server.active.connections', tags=[]})")));
    }

    private static LogRecord record(String logger, String message) {
        LogRecord record = new LogRecord(Level.WARNING, message);
        record.setLoggerName(logger);
        return record;
    }
}

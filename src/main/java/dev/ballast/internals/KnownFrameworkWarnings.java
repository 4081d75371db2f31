package dev.ballast.internals;

import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Drops one warning Quarkus prints at every start once the management interface is on (quarkusio/quarkus#50040, still
 * so in 3.33.2): its Micrometer binder registers the gauge {@code http_server_active_connections}, untagged, for each HTTP
 * server, and Micrometer warns that the second registration (of whichever server starts later) is ignored. The gauge
 * then counts the connections of one server only. Every other line passes, Micrometer's other warnings too: a gauge
 * of this service registered twice is still seen.
 */
@LoggingFilter(name = "known-framework-warnings")
public final class KnownFrameworkWarnings implements Filter {

    static final String LOGGER = "io.micrometer.core.instrument.MeterRegistry";
    static final String DUPLICATE_GAUGE = "already registered (MeterId{name='http.server.active.connections', tags=[]})";

    @Override
    public boolean isLoggable(LogRecord record) {
        if (!LOGGER.equals(record.getLoggerName())) {
            return true;
        }
        // Micrometer builds the whole line itself: the meter's id is in the message, not in parameters.
        String message = record.getMessage();
        return message == null || !message.contains(DUPLICATE_GAUGE);
    }
}

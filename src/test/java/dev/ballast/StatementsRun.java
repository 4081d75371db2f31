package dev.ballast;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * How many statements the service has sent to the database through its pool so far (every one is timed as
 * {@code ballast.db.query}); the cache notices go out on a connection of their own and are not among them.
 */
public final class StatementsRun {

    private StatementsRun() {
    }

    public static long soFar(MeterRegistry registry) {
        return registry.find("ballast.db.query").timers().stream().mapToLong(Timer::count).sum();
    }
}

package dev.ballast;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * How many statements the service has sent to the database so far (every one is timed as {@code ballast.db.query}),
 * but for the cache notices: they go out after the writes, in batches shared by the writes of the moment
 * ({@code cache.NoticeBatches}), at a time of their own.
 */
public final class StatementsRun {

    private static final String CACHE_NOTICES = "cache.notify";

    private StatementsRun() {
    }

    public static long soFar(MeterRegistry registry) {
        return registry.find("ballast.db.query").timers().stream()
                .filter(timer -> !CACHE_NOTICES.equals(timer.getId().getTag("statement")))
                .mapToLong(Timer::count).sum();
    }
}

package dev.ballast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DatabaseLimitTest {

    private long now;
    private final DatabaseLimit limit = new DatabaseLimit(20, 4, 20, () -> now);

    /** A busy database: as many calls as the limit allows start together and all answer after {@code latencyMillis}. */
    private void busyFor(int rounds, double latencyMillis) {
        for (int round = 0; round < rounds; round++) {
            List<DatabaseLimit.Permit> inFlight = new ArrayList<>();
            for (Optional<DatabaseLimit.Permit> permit = limit.tryAcquire(); permit.isPresent(); permit = limit.tryAcquire()) {
                inFlight.add(permit.get());
            }
            now += (long) (latencyMillis * 1_000_000);
            inFlight.forEach(DatabaseLimit.Permit::answered);
        }
    }

    @Test
    void refusesPastTheLimitAndTakesPermitsBack() {
        List<DatabaseLimit.Permit> held = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            held.add(limit.tryAcquire().orElseThrow());
        }
        assertTrue(limit.tryAcquire().isEmpty(), "the 21st call in flight is refused, not queued");
        assertEquals(20, limit.inFlight());
        held.get(0).ignored();
        held.get(1).dropped();
        assertTrue(limit.tryAcquire().isPresent(), "a permit given back is free again");
        assertTrue(limit.tryAcquire().isPresent(), "a dropped call gives its permit back too");
    }

    @Test
    void aSaturatedDatabaseCutsTheLimitWithinASecondOrTwoAndItComesBack() {
        busyFor(3_000, 1); // 3 s of calls answered in 1 ms
        assertEquals(20, limit.limit(), "a healthy database keeps the limit at its maximum");

        long start = now;
        long halvedAfter = -1;
        while (now - start < TimeUnit.SECONDS.toNanos(10)) {
            busyFor(1, 30); // each call now takes 30 times as long
            if (halvedAfter < 0 && limit.limit() <= 10) {
                halvedAfter = now - start;
            }
        }
        assertTrue(halvedAfter >= 0 && halvedAfter <= TimeUnit.SECONDS.toNanos(2),
                "30 times the latency halves the limit within 2 s: " + TimeUnit.NANOSECONDS.toMillis(halvedAfter) + " ms");
        assertTrue(limit.limit() >= 4, "never below the minimum: " + limit.limit());

        start = now;
        while (now - start < TimeUnit.SECONDS.toNanos(5) && limit.limit() < 20) {
            busyFor(1, 1);
        }
        assertEquals(20, limit.limit(), "fast answers again raise the limit back to the maximum within 5 s");
    }
}

package dev.ballast.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AdmissionLimitTest {

    private long now;
    private final AdmissionLimit limit = new AdmissionLimit(50, 10, 200, () -> now);

    /** A busy replica: as many requests as the limit allows start together and all take {@code latencyMillis}. */
    private void busyFor(int rounds, long latencyMillis) {
        for (int round = 0; round < rounds; round++) {
            List<AdmissionLimit.Permit> inFlight = new ArrayList<>();
            for (Optional<AdmissionLimit.Permit> permit = limit.tryAcquire(); permit.isPresent(); permit = limit.tryAcquire()) {
                inFlight.add(permit.get());
            }
            now += TimeUnit.MILLISECONDS.toNanos(latencyMillis);
            inFlight.forEach(AdmissionLimit.Permit::served);
        }
    }

    @Test
    void refusesPastTheLimitAndTakesPermitsBack() {
        List<AdmissionLimit.Permit> held = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            held.add(limit.tryAcquire().orElseThrow());
        }
        assertTrue(limit.tryAcquire().isEmpty(), "the 51st request in flight is refused");
        assertEquals(50, limit.inFlight());
        held.get(0).abandoned();
        assertTrue(limit.tryAcquire().isPresent(), "a permit given back (client gone) is free again");
    }

    @Test
    void theLimitFallsWhenLatencyRisesAndGrowsBackWhenItFalls() {
        busyFor(2_000, 1);
        int steady = limit.limit();
        assertTrue(steady >= 50, "steady fast responses keep or raise the limit: " + steady);

        busyFor(300, 20);
        int loaded = limit.limit();
        assertTrue(loaded <= steady / 2, "latency 20 times higher halves the limit at least: " + steady + " -> " + loaded);
        assertTrue(loaded >= 10, "never below the minimum: " + loaded);

        busyFor(10_000, 1);
        int recovered = limit.limit();
        assertTrue(recovered >= 2 * loaded && recovered > steady / 2,
                "fast responses again grow the limit back: " + loaded + " -> " + recovered);
        assertTrue(recovered <= 200, "never above the maximum: " + recovered);
    }

    @Test
    void aQuietReplicaKeepsItsLimit() {
        for (int i = 0; i < 5_000; i++) {
            AdmissionLimit.Permit permit = limit.tryAcquire().orElseThrow();
            now += TimeUnit.MILLISECONDS.toNanos(i % 2 == 0 ? 1 : 30);
            permit.served();
        }
        assertEquals(50, limit.limit(), "one request at a time says nothing about capacity");
    }
}

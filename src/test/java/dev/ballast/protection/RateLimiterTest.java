package dev.ballast.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The per-client registry: limits per client, and memory bounded however many clients arrive. */
@QuarkusTest
class RateLimiterTest {

    @Test
    void eachClientHasItsOwnBudget() {
        RateLimiter limiter = new RateLimiter(3, Duration.ofMinutes(1), 100);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.acquire("a"));
        }
        long retryAfter = limiter.acquire("a");
        assertTrue(retryAfter > 0 && retryAfter <= 60_000, "retry after " + retryAfter);
        assertEquals(0, limiter.acquire("b"));
    }

    @Test
    void aMillionDistinctClientsKeepTheRegistryBoundedAndMemoryFlat() {
        int maxClients = 10_000;
        RateLimiter limiter = new RateLimiter(100, Duration.ofMinutes(1), maxClients);
        for (int i = 0; i < 50_000; i++) {
            limiter.acquire("warm-up-" + i);
        }
        long before = usedHeapAfterGc();
        for (int i = 0; i < 1_000_000; i++) {
            limiter.acquire("client-" + i);
            if (i % 100_000 == 0) {
                assertTrue(limiter.clients() <= maxClients, "clients remembered: " + limiter.clients());
            }
        }
        long growth = usedHeapAfterGc() - before;
        assertTrue(limiter.clients() <= maxClients, "clients remembered: " + limiter.clients());
        // A full registry holds 10,000 guards whatever the number of clients seen: allow noise, not growth.
        assertTrue(growth < 32L * 1024 * 1024, "heap grew by " + growth / 1024 + " KiB");
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}

package dev.ballast.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A token bucket per client, on a clock the test moves: several tokens at a time, all or none. */
class TokenBucketsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final TokenBuckets buckets = new TokenBuckets(50, Duration.ofHours(1), 1_000, now::get);

    private void after(Duration elapsed) {
        now.addAndGet(elapsed.toNanos());
    }

    @Test
    void aNewClientHasAFullBucketTakenSeveralTokensAtATime() {
        assertEquals(0, buckets.take("a", 10));
        assertEquals(0, buckets.take("a", 40));
        assertEquals(0, buckets.take("a", 0), "nothing to take is always allowed");
        long retryAfter = buckets.take("a", 1);
        // One token comes back every 72 s.
        assertTrue(retryAfter > 71_000 && retryAfter <= 72_000, "retry after " + retryAfter + " ms");
        assertEquals(0, buckets.take("b", 50), "another client has its own bucket");
    }

    @Test
    void aRefusedCallTakesNothingAndTheBucketRefillsAtItsRate() {
        assertEquals(0, buckets.take("a", 45));
        long retryAfter = buckets.take("a", 10);
        assertTrue(retryAfter > 0, "5 tokens left, 10 asked");
        assertEquals(5, buckets.tokens("a"), 1e-9, "the refused call took nothing");
        assertEquals(0, buckets.take("a", 5));

        after(Duration.ofMinutes(12));
        assertEquals(10, buckets.tokens("a"), 1e-6, "50 an hour: 10 in 12 minutes");
        assertTrue(buckets.take("a", 11) > 0);
        assertEquals(0, buckets.take("a", 10));

        after(Duration.ofHours(5));
        assertEquals(50, buckets.tokens("a"), 1e-9, "never more than its capacity");
        assertTrue(buckets.take("a", 30) == 0 && buckets.take("a", 30) > 0);
    }

    @Test
    void theWaitToldIsEnough() {
        assertEquals(0, buckets.take("a", 50));
        long retryAfter = buckets.take("a", 10);
        assertEquals(Duration.ofMinutes(12).toMillis(), retryAfter, 1);
        after(Duration.ofMillis(retryAfter - 1_000));
        assertTrue(buckets.take("a", 10) > 0, "a second early");
        after(Duration.ofMillis(1_000));
        assertEquals(0, buckets.take("a", 10), "on time");
    }

    @Test
    void moreThanTheCapacityTakesAFullBucket() {
        TokenBuckets small = new TokenBuckets(5, Duration.ofHours(1), 1_000, now::get);
        assertEquals(0, small.take("a", 8));
        assertEquals(0, small.tokens("a"), 1e-9);
        assertTrue(small.take("a", 8) > 0, "waits for a full bucket again");
        after(Duration.ofHours(1));
        assertEquals(0, small.take("a", 8));
    }

    @Test
    void tokensGivenBackCanBeTakenAgainUpToTheCapacity() {
        assertEquals(0, buckets.take("a", 50));
        buckets.giveBack("a", 10);
        assertEquals(0, buckets.take("a", 10));
        buckets.giveBack("a", 500);
        assertEquals(50, buckets.tokens("a"), 1e-9);
    }

    @Test
    void idleClientsAreForgottenAndTheRegistryIsBounded() {
        TokenBuckets bounded = new TokenBuckets(50, Duration.ofHours(1), 100, now::get);
        for (int i = 0; i < 10_000; i++) {
            bounded.take("client-" + i, 1);
        }
        assertTrue(bounded.clients() <= 100, "clients remembered: " + bounded.clients());
        after(Duration.ofHours(1).plusSeconds(1));
        assertEquals(0, bounded.clients(), "a bucket idle for a period is full again: forgotten");
    }

    @Test
    void aBucketNeedsACapacityAndAPeriod() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBuckets(0, Duration.ofHours(1), 10));
        assertThrows(IllegalArgumentException.class, () -> new TokenBuckets(5, Duration.ZERO, 10));
    }
}

package dev.ballast.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HashingShareTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void theRateKeepsHashingToItsShareOfTheCores() {
        // A quarter of 2 cores is half a core: at 70 ms a hash, 500 ms of hashing a second is about 7 hashes.
        assertEquals(7.14, HashingShare.hashesPerSecond(0.25, 2, Duration.ofMillis(70)), 0.01);
        assertEquals(16.0, HashingShare.hashesPerSecond(0.5, 4, Duration.ofMillis(125)), 0.01);
    }

    @Test
    void aBurstIsServedThenTheRestIsRefusedUntilItRefills() {
        HashingShare share = new HashingShare(4, 6, 0);
        for (int i = 0; i < 6; i++) {
            assertTrue(share.tryAcquire(0), "hash " + i + " of the burst");
        }
        assertFalse(share.tryAcquire(0), "past the burst");
        assertFalse(share.tryAcquire(SECOND / 5), "a fifth of a second refills less than one hash");
        assertTrue(share.tryAcquire(SECOND / 4), "a quarter of a second refills one");
        assertFalse(share.tryAcquire(SECOND / 4));
        assertTrue(share.tryAcquire(100 * SECOND), "after a long pause");
        for (int i = 0; i < 5; i++) {
            assertTrue(share.tryAcquire(100 * SECOND), "the bucket refilled to the burst");
        }
        assertFalse(share.tryAcquire(100 * SECOND), "and not more");
    }

    @Test
    void aBurstSmallerThanOneSecondsWorthStillHoldsOneSecondsWorth() {
        HashingShare share = new HashingShare(4, 1, 0);
        for (int i = 0; i < 4; i++) {
            assertTrue(share.tryAcquire(100 * SECOND), "hash " + i + " of a second's worth");
        }
        assertFalse(share.tryAcquire(100 * SECOND), "and not more");
    }

    @Test
    void aSlowHashStillGetsOnePlace() {
        HashingShare share = new HashingShare(0.5, 1, 0);
        assertTrue(share.tryAcquire(0));
        assertFalse(share.tryAcquire(SECOND));
        assertTrue(share.tryAcquire(2 * SECOND));
        assertThrows(IllegalArgumentException.class, () -> new HashingShare(0, 1, 0));
    }

    @Test
    void itSaysHowLongUntilHashesOneAfterAnotherAreWithinTheShare() {
        HashingShare share = new HashingShare(4, 1, 0);
        assertEquals(0, share.nanosUntil(4, 0), "the full bucket covers four");
        assertEquals(SECOND / 4, share.nanosUntil(5, 0), "the fifth waits for one refill");
        share.tryAcquire(0);
        assertEquals(SECOND / 4 - SECOND / 8, share.nanosUntil(4, SECOND / 8), "one taken: the time that passed since counts");
    }
}

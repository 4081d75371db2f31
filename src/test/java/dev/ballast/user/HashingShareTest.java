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
    void aBurstOfOneSecondsWorthIsServedThenTheRestIsRefusedUntilItRefills() {
        HashingShare share = new HashingShare(4, 4, 0);
        for (int i = 0; i < 4; i++) {
            assertTrue(share.tryAcquire(0), "hash " + i + " of the burst");
        }
        assertFalse(share.tryAcquire(0), "past the burst");
        assertFalse(share.tryAcquire(SECOND / 5), "a fifth of a second refills less than one hash");
        assertTrue(share.tryAcquire(SECOND / 4), "a quarter of a second refills one");
        assertFalse(share.tryAcquire(SECOND / 4));
        assertTrue(share.tryAcquire(100 * SECOND), "after a long pause");
        for (int i = 0; i < 3; i++) {
            assertTrue(share.tryAcquire(100 * SECOND), "the bucket refilled only to one second's worth");
        }
        assertFalse(share.tryAcquire(100 * SECOND), "and not more");
    }

    @Test
    void aSlowHashStillGetsOnePlace() {
        HashingShare share = new HashingShare(0.5, 0.5, 0);
        assertTrue(share.tryAcquire(0));
        assertFalse(share.tryAcquire(SECOND));
        assertTrue(share.tryAcquire(2 * SECOND));
        assertThrows(IllegalArgumentException.class, () -> new HashingShare(0, 1, 0));
    }

    @Test
    void itSaysHowLongUntilHashesOneAfterAnotherAreWithinTheShare() {
        HashingShare share = new HashingShare(4, 4, 0);
        assertEquals(0, share.nanosUntil(4, 0), "the full bucket covers four");
        assertEquals(SECOND / 4, share.nanosUntil(5, 0), "the fifth waits for one refill");
        share.tryAcquire(0);
        assertEquals(SECOND / 4 - SECOND / 8, share.nanosUntil(4, SECOND / 8), "one taken: the time that passed since counts");
    }

    @Test
    void whileReadersAreFastTheShareGrowsToEveryThreadAndFallsBackToItsFloorTheMomentTheyAreSlow() {
        HashingShare share = new HashingShare(4, 20, 0);
        assertFalse(share.holding(), "a replica that has seen no reader holds hashing to nothing");
        share.adapt(SECOND, true);
        assertTrue(share.holding());
        assertEquals(4, share.perSecond(), "slow readers: the floor at once");
        assertTrue(share.nanosUntil(5, SECOND) > 0, "the bucket holds one second of the floor, not of the ceiling");

        share.adapt(SECOND + HashingShare.GROWTH_STEP - 1, false);
        assertEquals(4, share.perSecond(), "no growth within a step");
        share.adapt(SECOND + HashingShare.GROWTH_STEP, false);
        assertEquals(5.6, share.perSecond(), 1e-9, "a tenth of the room (16) a step");
        share.adapt(SECOND + 3 * HashingShare.GROWTH_STEP, false);
        assertEquals(8.8, share.perSecond(), 1e-9, "a step for every step that passed");
        share.adapt(SECOND + 3 * HashingShare.GROWTH_STEP + 1, true);
        assertEquals(4, share.perSecond(), "slow again: back to the floor, not halfway");

        share.adapt(SECOND + 3 * HashingShare.GROWTH_STEP + 1 + 10 * HashingShare.GROWTH_STEP, false);
        assertEquals(20, share.perSecond(), 1e-9, "ten steps of fast readers: every thread");
        assertFalse(share.holding());
        share.adapt(100 * SECOND, false);
        assertEquals(20, share.perSecond(), 1e-9, "and never beyond");
    }

    @Test
    void aFloorAboveTheCeilingMeansNoHolding() {
        HashingShare share = new HashingShare(1000, 20, 0);
        share.adapt(SECOND, true);
        assertFalse(share.holding(), "PASSWORD_HASH_RATE above what the threads can do: hashing is never held");
    }
}

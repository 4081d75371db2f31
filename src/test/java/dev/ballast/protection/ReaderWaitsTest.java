package dev.ballast.protection;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What password hashing yields to: readers around that wait for the CPU, not readers served with CPU to spare. */
class ReaderWaitsTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void readersServedWithoutWaitingAreAroundButNotWaiting() {
        ReaderWaits readers = new ReaderWaits(SECOND, 20 * MS, 0);
        long now = 10 * SECOND;
        // A light read load: a reader every 20 ms, each admitted within a millisecond.
        for (int i = 0; i < 100; i++) {
            readers.answered(now + i * 20 * MS, MS);
        }
        long later = now + 2 * SECOND;
        assertTrue(readers.around(later, false), "the last reader was answered 20 ms ago");
        assertFalse(readers.waiting(later, false), "none of them waited for the CPU");
    }

    @Test
    void aReaderThatWaitedMakesReadersWaitForASecond() {
        ReaderWaits readers = new ReaderWaits(SECOND, 20 * MS, 0);
        long now = 10 * SECOND;
        readers.answered(now, 25 * MS);
        assertTrue(readers.waiting(now + 500 * MS, false));
        assertFalse(readers.waiting(now + SECOND + MS, false), "a second later it is over");
        assertTrue(readers.waiting(now + 2 * SECOND, true), "loops late now count at once");
    }

    @Test
    void readersAreAroundWhileInFlightOrAnsweredWithinASecond() {
        ReaderWaits readers = new ReaderWaits(SECOND, 20 * MS, 0);
        long now = 10 * SECOND;
        assertFalse(readers.around(now, false), "none yet");
        assertTrue(readers.around(now, true));
        readers.answered(now, 0);
        assertTrue(readers.around(now + 900 * MS, false));
        assertFalse(readers.around(now + 1100 * MS, false));
    }
}

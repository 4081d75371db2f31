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
    void readersServedWithCpuToSpareAreAroundButNotWaitingThoughAPauseDelaysAFew() {
        ReaderWaits readers = new ReaderWaits(SECOND, 5 * MS, 0);
        long start = 10 * SECOND;
        // A light read load, a reader every 2 ms admitted within half a millisecond, and a 60 ms pause (a garbage
        // collection) that delays the 30 readers that arrive during it.
        for (int i = 0; i < 500; i++) {
            long waited = i >= 200 && i < 230 ? 60 * MS - (i - 200) * 2 * MS : MS / 2;
            readers.answered(start + i * 2 * MS, waited);
        }
        long now = start + SECOND;
        assertTrue(readers.around(now, false), "the last reader was answered 2 ms ago");
        assertFalse(readers.waiting(now, false), "a mean of about 2 ms: the CPU has room");
    }

    @Test
    void readersThatAllWaitAreWaitingUntilTheyNoLongerDo() {
        ReaderWaits readers = new ReaderWaits(SECOND, 5 * MS, 0);
        long start = 10 * SECOND;
        for (int i = 0; i < 100; i++) {
            readers.answered(start + i * 10 * MS, 8 * MS); // the CPU is short: every reader waits 8 ms
        }
        assertTrue(readers.waiting(start + SECOND, false));
        for (int i = 0; i < 200; i++) {
            readers.answered(start + SECOND + i * 10 * MS, 0); // hashing yielded: no reader waits
        }
        assertFalse(readers.waiting(start + 3 * SECOND, false), "two windows later the waits are forgotten");
        assertTrue(readers.waiting(start + 3 * SECOND, true), "loops late now count at once");
    }

    @Test
    void withNoReaderThereIsNoWait() {
        ReaderWaits readers = new ReaderWaits(SECOND, 5 * MS, 0);
        long now = 10 * SECOND;
        assertFalse(readers.around(now, false));
        assertFalse(readers.waiting(now, false));
        assertTrue(readers.around(now, true), "one in flight");
        readers.answered(now, 0);
        assertTrue(readers.around(now + 900 * MS, false));
        assertFalse(readers.around(now + 1100 * MS, false));
    }
}

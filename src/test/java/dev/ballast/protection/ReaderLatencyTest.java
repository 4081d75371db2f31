package dev.ballast.protection;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What password hashing yields to: readers around that are slow, not readers served with CPU to spare. */
class ReaderLatencyTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long WINDOW = SECOND / 4;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private static ReaderLatency readers() {
        return new ReaderLatency(SECOND, WINDOW, 10 * MS, 0);
    }

    @Test
    void readersServedWithCpuToSpareAreAroundButNotSlowThoughAPauseDelaysAFew() {
        ReaderLatency readers = readers();
        long start = 10 * SECOND;
        // A light read load, a reader every 2 ms answered in 2 ms, and a 60 ms pause (a garbage collection) that
        // delays the 30 readers that arrive during it.
        for (int i = 0; i < 250; i++) {
            long latency = i >= 100 && i < 130 ? 60 * MS - (i - 100) * 2 * MS : 2 * MS;
            readers.answered(start + i * 2 * MS, latency);
        }
        long now = start + 500 * MS;
        assertTrue(readers.around(now, false), "the last reader was answered 2 ms ago");
        assertFalse(readers.slow(now, false), "a mean of about 7 ms: the CPU has room");
    }

    @Test
    void readersThatAreAllSlowAreSlowUntilTheyNoLongerAre() {
        ReaderLatency readers = readers();
        long start = 10 * SECOND;
        for (int i = 0; i < 50; i++) {
            readers.answered(start + i * 10 * MS, 15 * MS); // the CPU is short: every reader takes 15 ms
        }
        assertTrue(readers.slow(start + 500 * MS, false));
        for (int i = 0; i < 50; i++) {
            readers.answered(start + 500 * MS + i * 10 * MS, 2 * MS); // hashing yielded
        }
        assertFalse(readers.slow(start + SECOND, false), "two windows later the slow ones are forgotten");
        assertTrue(readers.slow(start + SECOND, true), "loops late now count at once");
    }

    @Test
    void withNoReaderNoneIsSlow() {
        ReaderLatency readers = readers();
        long now = 10 * SECOND;
        assertFalse(readers.around(now, false));
        assertFalse(readers.slow(now, false));
        assertTrue(readers.around(now, true), "one in flight");
        readers.answered(now, 50 * MS);
        assertTrue(readers.slow(now + 1, false));
        assertTrue(readers.around(now + 900 * MS, false));
        assertFalse(readers.around(now + 1100 * MS, false));
        assertFalse(readers.slow(now + 1100 * MS, false), "a slow reader long gone");
    }
}

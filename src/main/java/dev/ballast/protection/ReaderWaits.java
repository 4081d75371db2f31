package dev.ballast.protection;

import java.util.concurrent.atomic.LongAdder;

/**
 * Whether readers (requests other than logins and registrations) are around, and whether they wait for the CPU:
 * what password hashing yields to. Readers are around while one is in flight or was answered within {@code window}
 * (at a moderate rate a reader is often not in flight at a given instant, yet the next one is a few milliseconds
 * away). They wait while their mean wait in the event loops before they were admitted, over the last
 * {@code window}, is at least {@code meanWaitNanos}, or while the loops run late now. A mean, not a maximum: a
 * garbage collection pause or a burst delays a few readers now and then on a replica with CPU to spare, while a
 * CPU too busy delays them all.
 * <p>
 * Times in {@link System#nanoTime()} nanoseconds, passed in. Readers are counted in the current window and the one
 * before (a mean over one to two windows); every request ends on an event loop, so the counts are adders, not one
 * shared number the loops would contend for, and the window moves on at most once per window.
 */
final class ReaderWaits {

    private final long windowNanos;
    private final long meanWaitNanos;
    private final LongAdder waited = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private volatile long windowStart;
    private long previousWaited;
    private long previousAnswered;
    private volatile long answeredAt;

    ReaderWaits(long windowNanos, long meanWaitNanos, long now) {
        this.windowNanos = windowNanos;
        this.meanWaitNanos = meanWaitNanos;
        this.windowStart = now;
        this.answeredAt = now - windowNanos;
    }

    /** A reader was answered at {@code now}, having waited {@code waitedNanos} in its event loop before it was admitted. */
    void answered(long now, long waitedNanos) {
        if (now - windowStart >= windowNanos) {
            moveOn(now);
        }
        waited.add(waitedNanos);
        answered.increment();
        if (now - answeredAt >= windowNanos / 100) {
            answeredAt = now;
        }
    }

    boolean around(long now, boolean inFlight) {
        return inFlight || now - answeredAt < windowNanos;
    }

    synchronized boolean waiting(long now, boolean loopsLateNow) {
        moveOn(now);
        long count = previousAnswered + answered.sum();
        return loopsLateNow || (count > 0 && (previousWaited + waited.sum()) / count >= meanWaitNanos);
    }

    /** The current window becomes the previous one once it is a window old (forgotten when two are). */
    private synchronized void moveOn(long now) {
        if (now - windowStart < windowNanos) {
            return;
        }
        boolean stale = now - windowStart >= 2 * windowNanos;
        previousWaited = stale ? 0 : waited.sum();
        previousAnswered = stale ? 0 : answered.sum();
        waited.reset();
        answered.reset();
        windowStart = now;
    }
}

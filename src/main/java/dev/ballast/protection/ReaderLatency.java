package dev.ballast.protection;

import java.util.concurrent.atomic.LongAdder;

/**
 * Whether readers (requests other than logins and registrations) are around, and whether they are slow: what
 * password hashing yields to. Readers are around while one is in flight or was answered within {@code recent} (at
 * a moderate rate a reader is often not in flight at a given instant, yet the next one is a few milliseconds away).
 * They are slow while their mean latency (from their arrival in the event loop to their answer) over the last
 * {@code window} is at least {@code targetNanos}, or while the loops run late now. Their latency, not their wait
 * at admission: hashing threads compete with the loops and with Postgres alike, so what they cost a reader shows
 * anywhere on its way. A mean, not a maximum: a garbage collection pause delays a few readers now and then on a
 * replica with CPU to spare, while a CPU too busy delays them all.
 * <p>
 * Times in {@link System#nanoTime()} nanoseconds, passed in. Readers are counted in the current window and the one
 * before (a mean over one to two windows); every request ends on an event loop, so the counts are adders, not one
 * shared number the loops would contend for, and the window moves on at most once per window.
 */
final class ReaderLatency {

    private final long recentNanos;
    private final long windowNanos;
    private final long targetNanos;
    private final LongAdder latency = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private volatile long windowStart;
    private long previousLatency;
    private long previousAnswered;
    private volatile long answeredAt;

    ReaderLatency(long recentNanos, long windowNanos, long targetNanos, long now) {
        this.recentNanos = recentNanos;
        this.windowNanos = windowNanos;
        this.targetNanos = targetNanos;
        this.windowStart = now;
        this.answeredAt = now - recentNanos;
    }

    /** A reader was answered at {@code now}, {@code latencyNanos} after it arrived. */
    void answered(long now, long latencyNanos) {
        if (now - windowStart >= windowNanos) {
            moveOn(now);
        }
        latency.add(latencyNanos);
        answered.increment();
        if (now - answeredAt >= recentNanos / 100) {
            answeredAt = now;
        }
    }

    boolean around(long now, boolean inFlight) {
        return inFlight || now - answeredAt < recentNanos;
    }

    synchronized boolean slow(long now, boolean loopsLateNow) {
        moveOn(now);
        long count = previousAnswered + answered.sum();
        return loopsLateNow || (count > 0 && (previousLatency + latency.sum()) / count >= targetNanos);
    }

    /** The current window becomes the previous one once it is a window old (forgotten when two are). */
    private synchronized void moveOn(long now) {
        if (now - windowStart < windowNanos) {
            return;
        }
        boolean stale = now - windowStart >= 2 * windowNanos;
        previousLatency = stale ? 0 : latency.sum();
        previousAnswered = stale ? 0 : answered.sum();
        latency.reset();
        answered.reset();
        windowStart = now;
    }
}

package dev.ballast.protection;

/**
 * Whether readers (requests other than logins and registrations) are around, and whether they wait for the CPU:
 * what password hashing yields to. Readers are around while one is in flight or was answered within {@code recent}
 * (at a moderate rate a reader is often not in flight at a given instant, yet the next one is a few milliseconds
 * away); they wait while one of them, within {@code recent}, waited {@code waitedNanos} or longer in its event loop
 * before it was admitted, or while the loops run late now. A replica serving readers with CPU to spare has readers
 * around and none waiting, however busy its loops.
 * <p>
 * Times in {@link System#nanoTime()} nanoseconds, passed in. Every request ends on an event loop: the times are
 * written at most once per hundredth of {@code recent}, so that the loops do not contend for one cache line.
 */
final class ReaderWaits {

    private final long recentNanos;
    private final long stepNanos;
    private final long waitedNanos;
    private volatile long answeredAt;
    private volatile long waitedAt;

    ReaderWaits(long recentNanos, long waitedNanos, long now) {
        this.recentNanos = recentNanos;
        this.stepNanos = recentNanos / 100;
        this.waitedNanos = waitedNanos;
        this.answeredAt = now - recentNanos;
        this.waitedAt = now - recentNanos;
    }

    /** A reader was answered at {@code now}, having waited {@code waited} in its event loop before it was admitted. */
    void answered(long now, long waited) {
        if (now - answeredAt >= stepNanos) {
            answeredAt = now;
        }
        if (waited >= waitedNanos && now - waitedAt >= stepNanos) {
            waitedAt = now;
        }
    }

    boolean around(long now, boolean inFlight) {
        return inFlight || now - answeredAt < recentNanos;
    }

    boolean waiting(long now, boolean loopsLateNow) {
        return loopsLateNow || now - waitedAt < recentNanos;
    }
}

package dev.ballast.db;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The primary's flushed WAL positions of the last moments, each with the {@link System#nanoTime()} it was read at, and
 * how far behind them a replica is. A replica that has replayed the position read at time t has everything the primary
 * had flushed then: it is at most {@code now - t} behind, for the latest such t, and 0 when it has replayed the latest
 * position read. Behind every position kept, or with none read yet, it is behind without bound.
 */
final class PrimaryPositions {

    private final long keptNanos;
    /** {time, position} pairs, oldest first. */
    private final Deque<long[]> positions = new ArrayDeque<>();

    /** Keeps the positions read within {@code keptNanos} of the latest (and always the latest). */
    PrimaryPositions(long keptNanos) {
        this.keptNanos = keptNanos;
    }

    synchronized void read(long position, long now) {
        positions.addLast(new long[] {now, position});
        while (positions.size() > 1 && now - positions.peekFirst()[0] > keptNanos) {
            positions.removeFirst();
        }
    }

    /** How far behind a server that replayed {@code replayed} is, in nanoseconds; {@link Long#MAX_VALUE}: unknown. */
    synchronized long lagNanos(long replayed, long now) {
        if (positions.isEmpty() || replayed < 0) {
            return Long.MAX_VALUE;
        }
        long caughtUpAt = Long.MIN_VALUE;
        for (long[] sample : positions) {
            if (sample[1] > replayed) {
                break;
            }
            caughtUpAt = sample[0];
        }
        if (caughtUpAt == positions.peekLast()[0]) {
            return 0;
        }
        return caughtUpAt == Long.MIN_VALUE ? Long.MAX_VALUE : now - caughtUpAt;
    }
}

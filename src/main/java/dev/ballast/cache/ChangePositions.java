package dev.ballast.cache;

import dev.ballast.db.ReadPosition;

/**
 * The WAL positions of the changes one cache was emptied for, and whether a fill may be kept: only if its reads saw
 * every one of them. A fill read from a read replica behind a change already applied here holds the rows from before
 * it, and kept it would be served until its time is up; it is served to its callers, not kept. A change is applied
 * before its position is known ({@link #changing()}, then {@link #changedAt(long)}): meanwhile no replica's fill is
 * kept. A fill read on the primary alone saw everything, and is always kept.
 */
final class ChangePositions {

    /** The highest position of the changes applied whose positions are known. */
    private long highest;
    /** The changes applied whose positions are not known yet. */
    private int unknown;

    /** A change is being applied; its position follows. */
    synchronized void changing() {
        unknown++;
    }

    /** One of the changes being applied is known now: its commit is at {@code position} or before it. */
    synchronized void changedAt(long position) {
        unknown--;
        highest = Math.max(highest, position);
    }

    /** Whether a fill whose reads saw the WAL position {@code seen} ({@link ReadPosition#seen()}) may be kept. */
    boolean keeps(long seen) {
        if (seen == ReadPosition.EVERYTHING) {
            return true;
        }
        synchronized (this) {
            return unknown == 0 && seen >= highest;
        }
    }
}

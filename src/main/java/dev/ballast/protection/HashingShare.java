package dev.ballast.protection;

import java.time.Duration;

/**
 * Keeps password hashing to its share of the CPU over time: a token bucket of hashes per second, derived
 * from how long one hash takes on this machine. With a share of 0.25 on 2 cores, hashing may use half a
 * core on average; at 70 ms a hash that is about 7 hashes a second. The bucket holds one second's worth,
 * so logins arriving at random below the rate are not refused for bunching up (with one token, 4 logins a
 * second against 8 allowed lost a third of them); the hashing bulkhead's short queue bounds how long a
 * bunch waits for the thread. Past the rate, a login is refused (503) instead of queueing behind the others
 * while readers starve.
 */
public final class HashingShare {

    private final double perSecond;
    private final double capacity;
    private double tokens;
    private long refilledAt;

    public HashingShare(double perSecond, long now) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("hashes per second must be positive: " + perSecond);
        }
        this.perSecond = perSecond;
        this.capacity = Math.max(1, perSecond);
        this.tokens = capacity;
        this.refilledAt = now;
    }

    /** Hashes a second that keep hashing to {@code share} of {@code cores}, when one hash takes {@code hashTime}. */
    public static double hashesPerSecond(double share, int cores, Duration hashTime) {
        return share * cores / Math.max(1e-6, hashTime.toNanos() / 1e9);
    }

    public double perSecond() {
        return perSecond;
    }

    /** Takes one hash's worth at {@code now} (nanoseconds): true when within the share. */
    public synchronized boolean tryAcquire(long now) {
        tokens = Math.min(capacity, tokens + (now - refilledAt) / 1e9 * perSecond);
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}

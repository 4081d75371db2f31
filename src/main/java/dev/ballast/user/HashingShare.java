package dev.ballast.user;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Password hashing's share of the CPU over time: a token bucket of hashes per second whose rate adapts between a
 * floor and a ceiling. The floor is the share hashing keeps whatever readers need (with a share of 0.25 on 2 cores,
 * half a core: at 70 ms a hash about 7 hashes a second); the ceiling is what the hashing threads can do at all.
 * While readers are fine, the rate grows by a tenth of the room between the two every {@link #GROWTH_STEP}: hashing
 * takes the CPU readers leave. The moment readers are slow it falls back to the floor: readers never wait for the
 * rate to come down step by step. At the ceiling hashing is not held at all. The bucket holds one second's worth of
 * the current rate, so logins arriving at random below it do not wait for bunching up.
 */
final class HashingShare {

    static final long GROWTH_STEP = TimeUnit.MILLISECONDS.toNanos(250);
    private static final double GROWTH = 0.1;

    private final double floor;
    private final double ceiling;
    private double perSecond;
    private double tokens;
    private long refilledAt;
    private long grownAt;

    /** Starts at the ceiling: a replica that has seen no reader yet holds hashing to nothing. */
    HashingShare(double floor, double ceiling, long now) {
        if (!(floor > 0)) {
            throw new IllegalArgumentException("hashes per second must be positive: " + floor);
        }
        this.floor = floor;
        this.ceiling = Math.max(floor, ceiling);
        this.perSecond = this.ceiling;
        this.tokens = capacity();
        this.refilledAt = now;
        this.grownAt = now;
    }

    /** Hashes a second that keep hashing to {@code share} of {@code cores}, when one hash takes {@code hashTime}. */
    static double hashesPerSecond(double share, int cores, Duration hashTime) {
        return share * cores / Math.max(1e-6, hashTime.toNanos() / 1e9);
    }

    synchronized double perSecond() {
        return perSecond;
    }

    double floor() {
        return floor;
    }

    /** Readers slow: back to the floor; otherwise a step up for every growth step since the last one. */
    synchronized void adapt(long now, boolean readersSlow) {
        refill(now);
        if (readersSlow) {
            perSecond = floor;
            tokens = Math.min(tokens, capacity());
            grownAt = now;
            return;
        }
        long steps = (now - grownAt) / GROWTH_STEP;
        if (steps > 0) {
            perSecond = Math.min(ceiling, perSecond + steps * GROWTH * (ceiling - floor));
            grownAt += steps * GROWTH_STEP;
        }
    }

    /** Whether hashing is held below what its threads can do. */
    synchronized boolean holding() {
        return perSecond < ceiling;
    }

    /** Takes one hash's worth at {@code now} (nanoseconds): true when within the share. */
    synchronized boolean tryAcquire(long now) {
        refill(now);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Nanoseconds from {@code now} until the {@code hashes}-th of that many hashes, taken one after another, is within the share. */
    synchronized long nanosUntil(int hashes, long now) {
        refill(now);
        double missing = hashes - tokens;
        return missing <= 0 ? 0 : (long) Math.ceil(missing / perSecond * 1e9);
    }

    private double capacity() {
        return Math.max(1, perSecond);
    }

    private void refill(long now) {
        tokens = Math.min(capacity(), tokens + Math.max(0, now - refilledAt) / 1e9 * perSecond);
        refilledAt = Math.max(refilledAt, now);
    }
}

package dev.ballast.user;

import java.time.Duration;

/**
 * Password hashing's share of the CPU over time: a token bucket of hashes per second, derived from how long
 * one hash takes on this machine. With a share of 0.25 on 2 cores, hashing may use half a core on average;
 * at 70 ms a hash that is about 7 hashes a second. The bucket holds a burst (at least one second's worth): a
 * burst of logins runs on every core while its hashes last, and only a flood, once it has used the burst, is
 * paced by the rate. {@link HashingQueue} holds hashing to it only while readers need the CPU.
 */
final class HashingShare {

    private final double perSecond;
    private final double capacity;
    private double tokens;
    private long refilledAt;

    HashingShare(double perSecond, int burst, long now) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("hashes per second must be positive: " + perSecond);
        }
        this.perSecond = perSecond;
        this.capacity = Math.max(burst, Math.max(1, perSecond));
        this.tokens = capacity;
        this.refilledAt = now;
    }

    /** Hashes a second that keep hashing to {@code share} of {@code cores}, when one hash takes {@code hashTime}. */
    static double hashesPerSecond(double share, int cores, Duration hashTime) {
        return share * cores / Math.max(1e-6, hashTime.toNanos() / 1e9);
    }

    double perSecond() {
        return perSecond;
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

    private void refill(long now) {
        tokens = Math.min(capacity, tokens + Math.max(0, now - refilledAt) / 1e9 * perSecond);
        refilledAt = Math.max(refilledAt, now);
    }
}

package dev.ballast.user;

import java.time.Duration;

/**
 * Password hashing's share of the CPU over time: a token bucket of hashes per second whose rate follows the CPU
 * others leave ({@link CpuRoom}), between a floor and a ceiling. The floor is the share hashing keeps whatever
 * readers need (with a share of 0.25 on 2 cores, half a core: at 70 ms a hash about 7 hashes a second); the ceiling
 * is what the hashing threads can do at all, and at the ceiling hashing is not held. The bucket holds one second's
 * worth of the current rate, so logins arriving at random below it do not wait for bunching up.
 */
final class HashingShare {

    private final double floor;
    private final double ceiling;
    private double perSecond;
    private double tokens;
    private long refilledAt;

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

    /** The rate from {@code now} on: {@code wanted} hashes a second, within floor and ceiling. */
    synchronized void follow(long now, double wanted) {
        refill(now);
        perSecond = Math.max(floor, Math.min(ceiling, wanted));
        tokens = Math.min(tokens, capacity());
    }

    /**
     * How many of {@code threads} hashes of {@code hashNanos} the current rate keeps busy at once, at least
     * {@code least}: while the rate is low, one thread paced; as it grows, more threads, still paced.
     */
    synchronized int threadsBusy(double hashNanos, int least, int threads) {
        return Math.max(least, Math.min(threads, (int) Math.ceil(perSecond * hashNanos / 1e9)));
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

package dev.ballast.protection;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket per client, for a budget spent several tokens at a time (the new tags of one article), where
 * {@link RateLimiter} counts one permit per call in fixed windows. Each client's bucket holds at most
 * {@code capacity} tokens and refills continuously, {@code capacity} tokens per {@code period}; a new client's
 * is full. A call takes all the tokens it asks for or none. Buckets live in a cache bounded like
 * {@link RateLimiter}'s: a bucket left alone for a period is full again and forgotten, and when the cache is
 * full the least recently seen client is forgotten first (and starts full).
 */
public final class TokenBuckets {

    private record Bucket(double tokens, long atNanos) {
    }

    private final int capacity;
    private final long periodNanos;
    private final LongSupplier clock;
    private final Cache<String, Bucket> buckets;

    public TokenBuckets(int capacity, Duration period, long maxClients) {
        this(capacity, period, maxClients, System::nanoTime);
    }

    TokenBuckets(int capacity, Duration period, long maxClients, LongSupplier clock) {
        if (capacity < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a token bucket needs a capacity of at least 1 and a period, were "
                    + capacity + " and " + period);
        }
        this.capacity = capacity;
        this.periodNanos = period.toNanos();
        this.clock = clock;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxClients)
                .expireAfterAccess(period)
                .ticker(clock::getAsLong)
                .executor(Runnable::run) // evict on the caller's thread: the bound holds at every moment
                .build();
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Takes {@code n} tokens from the client's bucket: 0 when taken, otherwise the milliseconds until the bucket
     * holds them (nothing is taken). A call asking for more than the capacity takes a full bucket.
     */
    public long take(String client, int n) {
        if (n <= 0) {
            return 0;
        }
        int wanted = Math.min(n, capacity);
        long[] waitNanos = {0};
        buckets.asMap().compute(client, (key, previous) -> {
            // Read while this client's bucket is held, as FailedLogins does.
            long now = clock.getAsLong();
            double tokens = previous == null ? capacity : tokensAt(previous, now);
            if (tokens < wanted) {
                waitNanos[0] = Math.max(1, (long) Math.ceil((wanted - tokens) * periodNanos / capacity));
                return new Bucket(tokens, now);
            }
            return new Bucket(tokens - wanted, now);
        });
        return waitNanos[0] == 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos[0] + 999_999));
    }

    /** Puts back {@code n} tokens taken for something that did not happen (the bucket never exceeds its capacity). */
    public void giveBack(String client, int n) {
        if (n > 0) {
            buckets.asMap().computeIfPresent(client,
                    (key, bucket) -> new Bucket(Math.min(capacity, bucket.tokens() + Math.min(n, capacity)), bucket.atNanos()));
        }
    }

    /** The tokens in the client's bucket now. */
    double tokens(String client) {
        Bucket bucket = buckets.asMap().get(client);
        return bucket == null ? capacity : tokensAt(bucket, clock.getAsLong());
    }

    private double tokensAt(Bucket bucket, long nowNanos) {
        return Math.min(capacity, bucket.tokens() + (double) (nowNanos - bucket.atNanos()) * capacity / periodNanos);
    }

    long clients() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }
}

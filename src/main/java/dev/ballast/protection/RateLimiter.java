package dev.ballast.protection;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.faulttolerance.api.RateLimitException;
import io.smallrye.faulttolerance.api.RateLimitType;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * One SmallRye Fault Tolerance rate-limit guard per client (the {@code @RateLimit} annotation keeps a
 * single state per method, shared by everyone). Guards live in a bounded cache that forgets clients idle
 * for a window, so memory stays flat however many distinct clients arrive; a forgotten client simply
 * starts a fresh window.
 */
public final class RateLimiter {

    private final int limit;
    private final Duration window;
    private final Cache<String, Guard> guards;

    public RateLimiter(int limit, Duration window, long maxClients) {
        this.limit = limit;
        this.window = window;
        this.guards = Caffeine.newBuilder()
                .maximumSize(maxClients)
                .expireAfterAccess(window)
                .executor(Runnable::run) // evict on the caller's thread: the bound holds at every moment
                .build();
    }

    public int limit() {
        return limit;
    }

    /** Takes one permit for the client: 0 when allowed, otherwise the milliseconds until it may retry. */
    public long acquire(String client) {
        Guard guard = guards.get(client, key -> newGuard());
        try {
            return guard.call(() -> 0L, Long.class);
        } catch (RateLimitException e) {
            return Math.max(1, e.getRetryAfterMillis());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    long clients() {
        guards.cleanUp();
        return guards.estimatedSize();
    }

    /** A fixed window: rejected calls do not extend it, so a client that backs off is served again when it ends. */
    private Guard newGuard() {
        return Guard.create()
                .withRateLimit().limit(limit).window(window.toMillis(), ChronoUnit.MILLIS).type(RateLimitType.FIXED).done()
                .build();
    }
}

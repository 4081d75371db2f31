package dev.ballast.protection;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.function.LongSupplier;

/**
 * Password guesses against one account, from any number of addresses. The first {@code free} failures cost
 * nothing; after that each attempt must wait {@code base × 2^(failures - free)}, at most {@code max}, after the
 * previous one, so guessing slows down fast but an account is never locked for longer than {@code max}. The
 * count is forgotten a {@code window} after the last attempt, and a correct password resets it.
 *
 * <p>An attempt counts as a failure when it is let through, before the password is checked: a burst of
 * concurrent guesses cannot all pass before the first failure is recorded. Accounts are keyed by a digest of
 * the caller's account key (the email in the one folding the account lookup uses), whether or not such an account
 * exists, so a refusal looks and takes the same for every email. The registry is bounded like {@link RateLimiter}'s.
 */
@Singleton
public class FailedLogins {

    private record Attempts(int count, long nextAllowedNanos) {
    }

    private final int free;
    private final long baseNanos;
    private final long maxNanos;
    private final LongSupplier clock;
    private final Cache<String, Attempts> accounts;
    private final Counter rejections;

    @Inject
    FailedLogins(MeterRegistry registry, RateLimitSettings settings) {
        this(settings.loginFailuresFree(), settings.loginDelayBase(), settings.loginDelayMax(), settings.loginFailureWindow(),
                settings.maxClients(), System::nanoTime,
                registry.counter("ballast.rejections", "reason", "rate_limit", "limit", "login_failures"));
    }

    FailedLogins(int free, Duration base, Duration max, Duration window, long maxAccounts, LongSupplier clock, Counter rejections) {
        if (free < 1 || base.isNegative() || max.compareTo(base) < 0 || window.compareTo(max) < 0) {
            throw new IllegalArgumentException("login failure limits need free >= 1 and base <= max <= window, were "
                    + free + ", " + base + ", " + max + ", " + window);
        }
        this.free = free;
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
        this.clock = clock;
        this.rejections = rejections;
        this.accounts = Caffeine.newBuilder()
                .maximumSize(maxAccounts)
                .expireAfterWrite(window)
                .ticker(clock::getAsLong)
                .executor(Runnable::run) // evict on the caller's thread: the bound holds at every moment
                .build();
    }

    /** Takes an attempt for this account key, counted as failed until {@link #succeeded}; 429 when it must wait. */
    public void attempt(String account) {
        long[] waitNanos = {0};
        accounts.asMap().compute(digest(account), (key, previous) -> {
            // Read while this email's entry is held: an attempt that read the clock just before a concurrent
            // one was let through would otherwise find itself "earlier" than that one's allowed time.
            long now = clock.getAsLong();
            Attempts attempts = previous == null ? new Attempts(0, now) : previous;
            if (now - attempts.nextAllowedNanos() < 0) {
                waitNanos[0] = attempts.nextAllowedNanos() - now;
                return attempts; // a refused attempt is not counted: waiting the answer's Retry-After is enough
            }
            int count = attempts.count() + 1;
            return new Attempts(count, now + delayAfter(count));
        });
        if (waitNanos[0] > 0) {
            rejections.increment();
            throw new TooManyRequests(free, Math.max(1, Duration.ofNanos(waitNanos[0]).toMillis()));
        }
    }

    /**
     * The attempt ended before its password was checked (hashing or the database was busy): it no longer counts
     * toward the doubling, so a busy server does not use up a user's free attempts. The wait it started stays,
     * as later attempts may have been let through after it.
     */
    public void notChecked(String account) {
        accounts.asMap().computeIfPresent(digest(account),
                (key, attempts) -> new Attempts(Math.max(0, attempts.count() - 1), attempts.nextAllowedNanos()));
    }

    /** The password was right: the account starts afresh. */
    public void succeeded(String account) {
        accounts.invalidate(digest(account));
    }

    long delayAfter(int failures) {
        if (failures < free) {
            return 0;
        }
        int doublings = failures - free;
        // Compared by shifting the cap down, so that the doubling itself cannot overflow.
        return doublings >= Long.SIZE - 1 || baseNanos > maxNanos >> doublings ? maxNanos : baseNanos << doublings;
    }

    long accounts() {
        accounts.cleanUp();
        return accounts.estimatedSize();
    }

    /** A fixed-size key whatever the length of the submitted email, so the registry's memory is bounded too. */
    private static String digest(String account) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(account.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every Java runtime has SHA-256
        }
    }
}

package dev.ballast.protection;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The budgets of the requests that cost a password hash or tell whether an email is registered: logins and
 * registrations ({@link AuthRateLimited}) count against their address, and a signed-in account's change of its
 * password or email against its address and the account alike, {@code AUTH_RATE_LIMIT_PER_MINUTE} each. So a token
 * buys no more hashes, and no faster probing of emails, than the registration form. An account changes its
 * password one request at a time: a second change while one is hashing is refused, not queued.
 */
@Singleton
public class AuthBudgets {

    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final RateLimiter addresses;
    private final RateLimiter accounts;
    private final Set<Long> passwordChanges = ConcurrentHashMap.newKeySet();
    private final Counter addressRejections;
    private final Counter accountRejections;
    private final Counter concurrentRejections;

    AuthBudgets(MeterRegistry registry, RateLimitSettings settings) {
        this.addresses = new RateLimiter(settings.authPerMinute(), WINDOW, settings.maxClients());
        this.accounts = new RateLimiter(settings.authPerMinute(), WINDOW, settings.maxClients());
        this.addressRejections = registry.counter("ballast.rejections", "reason", "rate_limit", "limit", "auth");
        this.accountRejections = registry.counter("ballast.rejections", "reason", "rate_limit", "limit", "auth_account");
        this.concurrentRejections = registry.counter("ballast.rejections", "reason", "rate_limit", "limit", "password_change_in_flight");
    }

    /** A login or registration from {@code client}: null when within its budget, otherwise the refusal. */
    TooManyRequests refusalForAddress(String client) {
        long retryAfter = addresses.acquire(client);
        if (retryAfter == 0) {
            return null;
        }
        addressRejections.increment();
        return new TooManyRequests(addresses.limit(), retryAfter);
    }

    /** The signed-in account changes its password or email: taken from its address's and its own budget, or 429. */
    public void accountChange(long accountId) {
        TooManyRequests refused = refusalForAddress(AddressRateLimit.currentClient());
        if (refused != null) {
            throw refused;
        }
        long retryAfter = accounts.acquire(Long.toString(accountId));
        if (retryAfter != 0) {
            accountRejections.increment();
            throw new TooManyRequests(accounts.limit(), retryAfter);
        }
    }

    /** Runs the account's password change unless another of its own is in flight: then 429 at once. */
    public <T> Uni<T> onePasswordChangeAtATime(long accountId, Supplier<Uni<? extends T>> change) {
        return Uni.createFrom().deferred(() -> {
            if (!passwordChanges.add(accountId)) {
                concurrentRejections.increment();
                return Uni.createFrom().failure(new TooManyRequests(1, 1_000));
            }
            return Uni.createFrom().<T>deferred(change).onTermination().invoke(() -> passwordChanges.remove(accountId));
        });
    }
}

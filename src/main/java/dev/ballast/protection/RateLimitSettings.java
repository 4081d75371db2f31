package dev.ballast.protection;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The budgets of requests per client address and per account, of logins and registrations, and of failed logins;
 * see {@code ballast.rate-limit.*} in application.properties.
 */
@ConfigMapping(prefix = "ballast.rate-limit")
public interface RateLimitSettings {

    /** Requests a minute per signed-in account ({@link RateLimitFilter}). */
    int requestsPerMinute();

    /** Requests a minute per client address, signed in or not ({@link AddressRateLimit}). */
    int addressRequestsPerMinute();

    /** How late an address over its budget gets its 429, so that a client retrying at once is slowed down. */
    Duration refusalDelay();

    /** Requests in flight at once per client address; past it, 429 until one ends. */
    int addressInFlightMax();

    /**
     * Logins, registrations and changes of password or email a minute, per address and per account
     * ({@link AuthBudgets}).
     */
    int authPerMinute();

    /** Failed logins of one account that cost nothing; each one after them waits longer ({@link FailedLogins}). */
    int loginFailuresFree();

    /** The wait after the first failed login past the free ones; it doubles with each further failure. */
    Duration loginDelayBase();

    /** The longest wait between two logins of one account. */
    Duration loginDelayMax();

    /** How long after its last attempt an account's failed logins are forgotten. */
    Duration loginFailureWindow();

    /**
     * Clients (addresses, accounts) each limiter remembers at once, the least recently seen forgotten first:
     * the bound on the limiters' memory.
     */
    long maxClients();

    /**
     * The proxies whose {@code X-Forwarded-For} is believed (IPs or CIDR ranges); none when empty. Their addresses
     * are also exempt from the cap of connections per address ({@link ConnectionLimits}).
     */
    Optional<List<String>> trustedProxies();
}

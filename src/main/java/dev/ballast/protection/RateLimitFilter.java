package dev.ballast.protection;

import dev.ballast.auth.CurrentUser;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/**
 * The per-client limits checked once the router has chosen the operation and before it runs, after the address's
 * own ({@link AddressRateLimit}): a signed-in request counts against its account as well, so neither many accounts
 * nor many addresses multiply a budget. Operations marked {@link AuthRateLimited} have a second, stricter limit per
 * address against password guessing ({@link AuthBudgets}). A rejected request gets 429 with {@code Retry-After} and
 * the {@code RateLimit-*} headers.
 * <p>
 * Application scoped, so that it is built at its first request, not when the REST layer sets up its filters during
 * static initialization (in a native executable, at build time): its limits are read when the service starts.
 */
@ApplicationScoped
public class RateLimitFilter {

    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final RateLimiter accounts;
    private final AuthBudgets authBudgets;
    private final CurrentUser currentUser;
    private final Counter accountRejections;

    RateLimitFilter(CurrentUser currentUser, AuthBudgets authBudgets, MeterRegistry registry, RateLimitSettings settings) {
        this.currentUser = currentUser;
        this.authBudgets = authBudgets;
        this.accounts = new RateLimiter(settings.requestsPerMinute(), WINDOW, settings.maxClients());
        this.accountRejections = registry.counter("ballast.rejections", "reason", "rate_limit", "limit", "account");
    }

    /**
     * Answered at once when the caller is anonymous or recognized at once ({@link CurrentUser#recognizedId()}): a
     * filter returning a {@code Uni} would suspend and resume every request. A request with any other token waits,
     * suspended, for its account.
     */
    @ServerRequestFilter
    public Response limit(ResteasyReactiveContainerRequestContext context, HttpServerRequest request) {
        if (!request.headers().contains(HttpHeaders.AUTHORIZATION)) {
            return null;
        }
        Long recognized = currentUser.recognizedId();
        if (recognized != null) {
            return refusal(recognized);
        }
        context.suspend();
        // A bad token is not this filter's business: the address alone counts, and the endpoint answers 401.
        currentUser.optionalId().onFailure().recoverWithNull().subscribe().with(userId -> {
            Response refusedAccount = userId == null ? null : refusal(userId);
            if (refusedAccount != null) {
                context.abortWith(refusedAccount);
            }
            context.resume();
        }, context::resume);
        return null;
    }

    @ServerRequestFilter
    @AuthRateLimited
    public Response limitPasswordChecks() {
        TooManyRequests refused = authBudgets.refusalForAddress(AddressRateLimit.currentClient());
        return refused == null ? null : refused.response();
    }

    private Response refusal(long accountId) {
        long retryAfter = accounts.acquire(Long.toString(accountId));
        if (retryAfter == 0) {
            return null;
        }
        accountRejections.increment();
        return new TooManyRequests(accounts.limit(), retryAfter).response();
    }
}

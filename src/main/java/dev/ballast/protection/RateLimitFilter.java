package dev.ballast.protection;

import dev.ballast.auth.CurrentUser;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/**
 * Per-client rate limits, checked once the router has chosen the operation and before it runs. Every request
 * counts against its address ({@code X-Forwarded-For} only from trusted proxies; an IPv6 client is its /64),
 * and a signed-in one against its account as well, so neither many accounts nor many addresses multiply a
 * budget. Operations marked {@link AuthRateLimited} have a second, stricter limit per address against password
 * guessing ({@link AuthBudgets}). A rejected request gets 429 with {@code Retry-After} and the {@code RateLimit-*}
 * headers. The address's key stays in the request's context for what is counted later ({@link AuthBudgets#currentClient}).
 */
@Singleton
public class RateLimitFilter {

    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final RateLimiter addresses;
    private final RateLimiter accounts;
    private final AuthBudgets authBudgets;
    private final TrustedProxies proxies;
    private final CurrentUser currentUser;
    private final Counter addressRejections;
    private final Counter accountRejections;

    RateLimitFilter(CurrentUser currentUser, AuthBudgets authBudgets, MeterRegistry registry,
                    @ConfigProperty(name = "ballast.rate-limit.requests-per-minute") int requestsPerMinute,
                    @ConfigProperty(name = "ballast.rate-limit.address-requests-per-minute") int addressRequestsPerMinute,
                    @ConfigProperty(name = "ballast.rate-limit.max-clients") long maxClients,
                    @ConfigProperty(name = "ballast.rate-limit.trusted-proxies") Optional<List<String>> trustedProxies) {
        this.currentUser = currentUser;
        this.addresses = new RateLimiter(addressRequestsPerMinute, WINDOW, maxClients);
        this.accounts = new RateLimiter(requestsPerMinute, WINDOW, maxClients);
        this.authBudgets = authBudgets;
        this.proxies = new TrustedProxies(trustedProxies.orElse(List.of()));
        this.addressRejections = registry.counter("ballast.rejections", "reason", "rate_limit", "limit", "address");
        this.accountRejections = registry.counter("ballast.rejections", "reason", "rate_limit", "limit", "account");
    }

    /**
     * Answered at once when the address decides (every anonymous request) or the caller is recognized at once
     * ({@link CurrentUser#recognizedId()}): a filter returning a {@code Uni} would suspend and resume every
     * request. A request with any other token waits, suspended, for its account.
     */
    @ServerRequestFilter
    public Response limit(ResteasyReactiveContainerRequestContext context, HttpServerRequest request) {
        String client = clientKey(request);
        Vertx.currentContext().putLocal(AuthBudgets.CLIENT, client);
        Response refused = refusal(addresses, client, addressRejections);
        if (refused != null || !request.headers().contains(HttpHeaders.AUTHORIZATION)) {
            return refused;
        }
        Long recognized = currentUser.recognizedId();
        if (recognized != null) {
            return refusal(accounts, recognized.toString(), accountRejections);
        }
        context.suspend();
        // A bad token is not this filter's business: the address alone counts, and the endpoint answers 401.
        currentUser.optionalId().onFailure().recoverWithNull().subscribe().with(userId -> {
            Response refusedAccount = userId == null ? null : refusal(accounts, userId.toString(), accountRejections);
            if (refusedAccount != null) {
                context.abortWith(refusedAccount);
            }
            context.resume();
        }, context::resume);
        return null;
    }

    @ServerRequestFilter
    @AuthRateLimited
    public Response limitPasswordChecks(HttpServerRequest request) {
        TooManyRequests refused = authBudgets.refusalForAddress(clientKey(request));
        return refused == null ? null : refused.response();
    }

    private String clientKey(HttpServerRequest request) {
        // The socket's peer: the request's own remoteAddress() would first look for forwarding headers.
        SocketAddress remote = request.connection().remoteAddress();
        String peer = remote == null ? "unknown" : remote.hostAddress();
        if (!proxies.trusts(peer)) {
            return ClientAddress.ofPeer(peer);
        }
        return ClientAddress.key(proxies.clientAddress(peer, request.headers().getAll("X-Forwarded-For")));
    }

    private static Response refusal(RateLimiter limiter, String client, Counter rejections) {
        long retryAfter = limiter.acquire(client);
        if (retryAfter == 0) {
            return null;
        }
        rejections.increment();
        return new TooManyRequests(limiter.limit(), retryAfter).response();
    }
}

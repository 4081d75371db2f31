package dev.ballast.protection;

import dev.ballast.auth.CurrentUser;
import dev.ballast.http.ErrorBody;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Per-client rate limits, checked before any endpoint runs. The client is the JWT subject when the token
 * is valid, otherwise the remote address ({@code X-Forwarded-For} counts only from trusted proxies).
 * Login and registration have a second, stricter limit per address against password guessing.
 * A rejected request gets 429 with {@code Retry-After} and the {@code RateLimit-*} headers.
 */
@Singleton
public class RateLimitFilter {

    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final RateLimiter requests;
    private final RateLimiter logins;
    private final TrustedProxies proxies;
    private final CurrentUser currentUser;
    private final Counter requestRejections;
    private final Counter loginRejections;

    RateLimitFilter(CurrentUser currentUser, MeterRegistry registry,
                    @ConfigProperty(name = "ballast.rate-limit.requests-per-minute") int requestsPerMinute,
                    @ConfigProperty(name = "ballast.rate-limit.auth-per-minute") int authPerMinute,
                    @ConfigProperty(name = "ballast.rate-limit.max-clients") long maxClients,
                    @ConfigProperty(name = "ballast.rate-limit.trusted-proxies") Optional<List<String>> trustedProxies) {
        this.currentUser = currentUser;
        this.requests = new RateLimiter(requestsPerMinute, WINDOW, maxClients);
        this.logins = new RateLimiter(authPerMinute, WINDOW, maxClients);
        this.proxies = new TrustedProxies(trustedProxies.orElse(List.of()));
        this.requestRejections = registry.counter("ballast.rejections", "reason", "rate_limit", "limit", "requests");
        this.loginRejections = registry.counter("ballast.rejections", "reason", "rate_limit", "limit", "auth");
    }

    @ServerRequestFilter
    public Uni<Response> limit(HttpServerRequest request) {
        String address = proxies.clientAddress(
                request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress(),
                request.getHeader("X-Forwarded-For"));
        if (isLoginOrRegistration(request)) {
            long retryAfter = logins.acquire(address);
            if (retryAfter > 0) {
                loginRejections.increment();
                return Uni.createFrom().item(tooManyRequests(logins, retryAfter));
            }
        }
        // A bad token is not this filter's business: the client is then its address, and the endpoint answers 401.
        return currentUser.optionalId().onFailure().recoverWithNull().map(userId -> {
            long retryAfter = requests.acquire(userId != null ? "user:" + userId : "address:" + address);
            if (retryAfter == 0) {
                return null;
            }
            requestRejections.increment();
            return tooManyRequests(requests, retryAfter);
        });
    }

    private static boolean isLoginOrRegistration(HttpServerRequest request) {
        String path = request.path();
        return request.method() == HttpMethod.POST && (path.endsWith("/users/login") || path.endsWith("/users"));
    }

    private static Response tooManyRequests(RateLimiter limiter, long retryAfterMillis) {
        String seconds = Long.toString((retryAfterMillis + 999) / 1000);
        return Response.status(429)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header("Retry-After", seconds)
                .header("RateLimit-Limit", limiter.limit())
                .header("RateLimit-Remaining", 0)
                .header("RateLimit-Reset", seconds)
                .entity(ErrorBody.of("too many requests, retry in " + seconds + " s"))
                .build();
    }
}

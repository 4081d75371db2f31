package dev.ballast.protection;

import dev.ballast.http.ErrorBody;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every request's budgets per client address ({@code X-Forwarded-For} only from trusted proxies; an IPv6 client is
 * its /64), checked by the router's first route, before admission control and the REST layer: requests a minute,
 * and requests in flight at once ({@code address-in-flight-max}, so that one client's many connections cannot
 * fill the event loops ahead of everyone else's requests). A request over either takes no permit and reaches no
 * resource. Its 429 (Retry-After, {@code RateLimit-*}, the RealWorld error shape) is
 * answered after Quarkus' CORS filter, so a browser can read it, and {@code refusal-delay} late: a client that sends
 * again as soon as it is refused (a flood's closed loop) then sends one request a second per connection, instead of
 * taking the CPU from everyone else with refusals. The address's key stays in the request's context
 * ({@link #currentClient}) for the limits counted later.
 */
@ApplicationScoped
public class AddressRateLimit {

    private static final Duration WINDOW = Duration.ofMinutes(1);
    /** Routing-context key of a refused request's answer, set by the first route and sent after CORS. */
    private static final String REFUSAL_KEY = "ballast.rate-limit.refusal";
    /** The request's client address key in its Vert.x context. */
    private static final String CLIENT = "ballast.client-address";
    /** Before admission control (the router's first route after this one). */
    static final int ORDER = Integer.MIN_VALUE;

    private final RateLimiter addresses;
    /** Requests in flight per address; an address leaves the map when its last one ends. */
    private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();
    private final int inFlightMax;
    private final TrustedProxies proxies;
    private final Vertx vertx;
    private final long delayMillis;
    private final Counter rejections;
    private final Counter inFlightRejections;

    AddressRateLimit(Vertx vertx, MeterRegistry registry, RateLimitSettings settings) {
        this.vertx = vertx;
        this.addresses = new RateLimiter(settings.addressRequestsPerMinute(), WINDOW, settings.maxClients());
        this.proxies = new TrustedProxies(settings.trustedProxies().orElse(List.of()));
        this.delayMillis = settings.refusalDelay().toMillis();
        this.inFlightMax = settings.addressInFlightMax();
        this.rejections = registry.counter("ballast.rejections", "reason", "rate_limit", "limit", "address");
        this.inFlightRejections = registry.counter("ballast.rejections", "reason", "rate_limit", "limit", "address_in_flight");
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::limit);
        router.route().order(-SecurityHandlerPriorities.CORS + 1).handler(this::answerIfRefused);
    }

    private void limit(RoutingContext context) {
        HttpServerRequest request = context.request();
        String client = clientKey(request);
        Vertx.currentContext().putLocal(CLIENT, client);
        // A CORS preflight is answered from configuration alone: it costs nothing, and a browser needs it.
        if (!isPreflight(request)) {
            if (!enter(client)) {
                inFlightRejections.increment();
                context.put(REFUSAL_KEY, new TooManyRequests(inFlightMax, 1_000));
            } else {
                context.addEndHandler(ended -> leave(client));
                long retryAfter = addresses.acquire(client);
                if (retryAfter > 0) {
                    rejections.increment();
                    context.put(REFUSAL_KEY, new TooManyRequests(addresses.limit(), retryAfter));
                }
            }
        }
        context.next();
    }

    private boolean enter(String client) {
        boolean[] entered = {false};
        inFlight.compute(client, (key, count) -> {
            int now = count == null ? 0 : count;
            if (now >= inFlightMax) {
                return count;
            }
            entered[0] = true;
            return now + 1;
        });
        return entered[0];
    }

    private void leave(String client) {
        inFlight.computeIfPresent(client, (key, count) -> count <= 1 ? null : count - 1);
    }

    private void answerIfRefused(RoutingContext context) {
        TooManyRequests refusal = context.get(REFUSAL_KEY);
        if (refusal == null) {
            context.next();
            return;
        }
        HttpServerResponse response = context.response();
        String seconds = refusal.retryAfterSeconds();
        response.setStatusCode(429)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.RETRY_AFTER, seconds)
                .putHeader("RateLimit-Limit", Integer.toString(refusal.limit()))
                .putHeader("RateLimit-Remaining", "0")
                .putHeader("RateLimit-Reset", seconds);
        String body = Json.encode(ErrorBody.of(refusal.message()));
        if (delayMillis <= 0) {
            response.end(body);
            return;
        }
        vertx.setTimer(delayMillis, id -> {
            if (!response.closed()) {
                response.end(body);
            }
        });
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

    /** The client address key of the request being served (its socket's peer or, behind a trusted proxy, the client). */
    public static String currentClient() {
        Context context = Vertx.currentContext();
        String client = context == null ? null : context.getLocal(CLIENT);
        return client == null ? "unknown" : client;
    }

    /** Refused here: admission control lets it pass without a permit, to be answered by this class. */
    static boolean isRefused(RoutingContext context) {
        return context.get(REFUSAL_KEY) != null;
    }

    static boolean isPreflight(HttpServerRequest request) {
        return request.method() == HttpMethod.OPTIONS
                && request.headers().contains(HttpHeaders.ORIGIN)
                && request.headers().contains(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
    }
}

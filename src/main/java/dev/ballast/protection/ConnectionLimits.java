package dev.ballast.protection;

import dev.ballast.internals.InternalsCheck;
import dev.ballast.internals.InternalsCheck.Hook;
import dev.ballast.internals.VertxInternals;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Limits on connections, below HTTP: a connection must deliver a request's headers within
 * {@code header-timeout} (from when it opens, or from the first byte of each later request on it) and the
 * body within {@code body-timeout} after the headers, or it is closed; and one client address may hold at
 * most {@code per-address-max} open connections (trusted proxies aside): past that, a new connection from it
 * is closed as soon as it is accepted. Idle keep-alive connections are closed by the HTTP server's own idle
 * timeout ({@code quarkus.http.idle-timeout}).
 * <p>
 * Vert.x has no hook at accept time in Quarkus (the server's connection handler is Quarkus' own), so the
 * first request the replica serves (its own start-up check's, {@link InternalsCheck}) hands us its Netty channel;
 * a handler is then added to the pipeline of the listening channel, where every later connection is accepted.
 * Both reach into Vert.x internals ({@link VertxInternals}); whether they took hold is reported to the check.
 */
@ApplicationScoped
public class ConnectionLimits implements HttpServerOptionsCustomizer {

    private static final Logger LOG = Logger.getLogger(ConnectionLimits.class);

    private final long headerTimeoutNanos;
    private final long bodyTimeoutNanos;
    private final int perAddressMax;
    private final TrustedProxies proxies;
    private final VertxInternals internals = VertxInternals.VERTX;
    private final InternalsCheck check;
    /** Open connections per client, keyed as the rate limits key it (an IPv6 client is its /64). */
    private final Map<String, Integer> openPerAddress = new ConcurrentHashMap<>();
    private final Counter overCap;
    private final Counter headerTimeouts;
    private final Counter bodyTimeouts;
    private volatile boolean installed;

    ConnectionLimits(MeterRegistry registry, InternalsCheck check, ConnectionSettings settings, RateLimitSettings rateLimits) {
        this.headerTimeoutNanos = settings.headerTimeout().toNanos();
        this.bodyTimeoutNanos = settings.bodyTimeout().toNanos();
        this.perAddressMax = settings.perAddressMax();
        this.proxies = new TrustedProxies(rateLimits.trustedProxies().orElse(List.of()));
        this.check = check;
        this.overCap = registry.counter("ballast.connections.refused", "reason", "per_address_max");
        this.headerTimeouts = registry.counter("ballast.connections.timed.out", "phase", "headers");
        this.bodyTimeouts = registry.counter("ballast.connections.timed.out", "phase", "body");
        registry.gauge("ballast.connections.client.addresses", openPerAddress, Map::size);
    }

    /**
     * No cleartext HTTP/2 (h2c): with it, Vert.x chooses the protocol from a connection's first bytes and only
     * then puts the HTTP/1 decoder in place, too late for the deadlines to follow requests. HTTP/1.1 clients
     * and load balancers are unaffected; HTTP/2 over TLS is unaffected.
     */
    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setHttp2ClearTextEnabled(false);
    }

    void install(@Observes Router router) {
        Route route = router.route().order(Integer.MIN_VALUE);
        route.handler(context -> {
            if (!installed) {
                HttpConnection connection = context.request().connection();
                Optional<Channel> listening = internals.listeningChannel(connection);
                check.report(Hook.HTTP_LISTENER, listening.isPresent(),
                        "no listening channel behind " + connection.getClass().getName());
                if (!connection.isSsl()) { // over TLS the connection may speak HTTP/2, without an HTTP/1 decoder
                    check.report(Hook.HTTP_DECODER, internals.hasHttpDecoder(connection), "no HTTP/1 decoder by its name");
                }
                listening.ifPresent(this::installOn);
                route.remove();
            }
            context.next();
        });
    }

    private synchronized void installOn(Channel listening) {
        if (!installed) {
            listening.pipeline().addFirst("ballast-connection-limits", new AcceptedConnections());
            installed = true;
            LOG.infof("Connection limits: headers within %d ms, body within %d ms, at most %d connections per client address",
                    TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos), TimeUnit.NANOSECONDS.toMillis(bodyTimeoutNanos), perAddressMax);
        }
    }

    /** Open connections from this address, as counted by the cap (0 once all closed: the entry is gone). */
    int openConnections(InetAddress address) {
        return openPerAddress.getOrDefault(ClientAddress.key(address.getHostAddress()), 0);
    }

    /** On the listening channel: sees each accepted connection before it is registered with an event loop. */
    @ChannelHandler.Sharable
    private final class AcceptedConnections extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (message instanceof Channel connection && connection.remoteAddress() instanceof InetSocketAddress remote) {
                String address = remote.getAddress().getHostAddress();
                if (!proxies.trusts(address)) {
                    String client = ClientAddress.key(address);
                    if (openPerAddress.merge(client, 1, Integer::sum) > perAddressMax) {
                        release(client);
                        overCap.increment();
                        internals.closeAtOnce(connection);
                        return;
                    }
                    connection.closeFuture().addListener(closed -> release(client));
                }
                connection.pipeline().addFirst("ballast-request-deadline", new RequestDeadline());
            }
            context.fireChannelRead(message);
        }

        private void release(String client) {
            openPerAddress.computeIfPresent(client, (key, count) -> count > 1 ? count - 1 : null);
        }
    }

    /**
     * First in a connection's pipeline, so it sees raw bytes: the header deadline starts when the connection
     * opens and again with the first byte of each later request. Its partner after the HTTP decoder sees when
     * the headers and the body are complete.
     * <p>
     * Every request moves the deadline twice, so moving it only writes a field: the connection's one timer
     * fires at the earliest the deadline could fall, and then closes the connection, waits out the time left,
     * or (no deadline running) goes away until the next request arms one.
     */
    private final class RequestDeadline extends ChannelInboundHandlerAdapter {
        private boolean followsRequests;
        private boolean awaitingRequest = true;
        private boolean armed;
        private long deadlineAt;
        private Counter phase;
        private ScheduledFuture<?> timer;

        @Override
        public void channelRegistered(ChannelHandlerContext context) {
            // The server's own handlers are in place now; without an HTTP/1 decoder (HTTP/2) only the idle timeout applies.
            followsRequests = internals.addAfterHttpDecoder(context.pipeline(), "ballast-request-progress", new RequestProgress());
            if (followsRequests) {
                arm(context, headerTimeoutNanos, headerTimeouts);
            }
            context.fireChannelRegistered();
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (followsRequests && awaitingRequest && !armed) {
                arm(context, headerTimeoutNanos, headerTimeouts);
            }
            context.fireChannelRead(message);
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            armed = false;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            context.fireChannelInactive();
        }

        private void arm(ChannelHandlerContext context, long nanos, Counter counter) {
            armed = true;
            deadlineAt = System.nanoTime() + nanos;
            phase = counter;
            if (timer == null) {
                timer = context.executor().schedule(() -> expire(context), nanos, TimeUnit.NANOSECONDS);
            }
        }

        private void expire(ChannelHandlerContext context) {
            timer = null;
            if (!armed) {
                return;
            }
            long left = deadlineAt - System.nanoTime();
            if (left > 0) {
                timer = context.executor().schedule(() -> expire(context), left, TimeUnit.NANOSECONDS);
                return;
            }
            phase.increment();
            context.channel().close();
        }

        private final class RequestProgress extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext context, Object message) {
                if (message instanceof HttpRequest) {
                    awaitingRequest = false;
                    arm(context, bodyTimeoutNanos, bodyTimeouts);
                }
                if (message instanceof LastHttpContent) {
                    armed = false;
                    awaitingRequest = true;
                }
                context.fireChannelRead(message);
            }
        }
    }
}

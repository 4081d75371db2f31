package dev.ballast.cache;

import dev.ballast.cache.CacheNoticeCodec.Notice;
import dev.ballast.db.BoundedPoolCreator;
import dev.ballast.db.DedicatedConnections;
import dev.ballast.db.WalPositions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Holds this replica's notice connection, and hears the other replicas' cache notices on it: it listens
 * ({@code LISTEN}) on {@code CACHE_NOTIFY_CHANNEL} on a connection of its own outside the pool
 * ({@link DedicatedConnections}, named {@code ballast-cache-notices} in {@code pg_stat_activity}) and empties the
 * entries each notice names. The same connection carries this replica's own notices out ({@link CacheNoticeSender}),
 * which come back to it and are only counted (same instance id).
 * <p>
 * When the connection is lost it reconnects (after 50 ms, doubling up to {@code CACHE_NOTIFY_RECONNECT_MAX}); each
 * time it listens again it empties every cache, since notices sent meanwhile were missed. Nothing here blocks:
 * receiving runs on the connection's event loop and only removes entries. A notice carries its write's WAL position,
 * with which the caches it empties compare their fills from read replicas ({@link ViewCaches#empty}); one that does
 * not (from a replica without read replicas), and the notices missed, take the primary's position read after them.
 */
@ApplicationScoped
public class CacheNoticeListener {

    static final String APPLICATION_NAME = "ballast-cache-notices";
    private static final Logger LOG = Logger.getLogger(CacheNoticeListener.class);
    private static final long FIRST_RECONNECT_MILLIS = 50;
    /** A Postgres identifier: NAMEDATALEN - 1. */
    private static final int MAX_CHANNEL_BYTES = 63;
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Vertx vertx;
    private final BoundedPoolCreator poolCreator;
    private final DedicatedConnections connections;
    private final ViewCaches caches;
    private final WalPositions positions;
    private final String instanceId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final boolean enabled;
    private final String channel;
    private final long reconnectMaxMillis;

    private final Counter receivedOwn;
    private final Counter receivedOther;
    private final Counter invalid;
    private final Counter reconnects;
    private final Timer delayOwn;
    private final Timer delayOther;
    private final AtomicLong lastInvalidLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    private volatile PgConnection connection;
    private volatile boolean listening;
    private volatile boolean everListened;
    private volatile boolean stopped;

    CacheNoticeListener(Vertx vertx, BoundedPoolCreator poolCreator, DedicatedConnections connections, ViewCaches caches,
                        WalPositions positions, MeterRegistry registry, CacheSettings settings) {
        this.vertx = vertx;
        this.poolCreator = poolCreator;
        this.connections = connections;
        this.caches = caches;
        this.positions = positions;
        this.enabled = settings.notices().enabled();
        this.channel = settings.notices().channel();
        this.reconnectMaxMillis = Math.max(FIRST_RECONNECT_MILLIS, settings.notices().reconnectMax().toMillis());
        this.receivedOwn = registry.counter("ballast.cache.notices.received", "origin", "own");
        this.receivedOther = registry.counter("ballast.cache.notices.received", "origin", "other");
        this.invalid = registry.counter("ballast.cache.notices.invalid");
        this.reconnects = registry.counter("ballast.cache.listener.reconnects");
        this.delayOwn = delayTimer(registry, "own");
        this.delayOther = delayTimer(registry, "other");
        if (enabled) { // with notices off there is nothing to listen to, and nothing to alert on
            Gauge.builder("ballast.cache.listener.connected", this, listener -> listener.listening ? 1 : 0)
                    .description("1 while this replica listens for other replicas' cache notices")
                    .register(registry);
        }
    }

    private static Timer delayTimer(MeterRegistry registry, String origin) {
        return Timer.builder("ballast.cache.notice.delay")
                .description("From a cache notice's sending (the sender's clock) to its receipt here")
                .tag("origin", origin)
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            LOG.infof("Cache notices off (CACHE_NOTIFY=false): other replicas' writes show here within CACHE_TTL");
            return;
        }
        if (channel.getBytes(StandardCharsets.UTF_8).length > MAX_CHANNEL_BYTES) {
            LOG.warnf("CACHE_NOTIFY_CHANNEL is longer than %d bytes: Postgres refuses notices on it, so every one will fail "
                    + "(and other replicas catch up within CACHE_TTL only)", MAX_CHANNEL_BYTES);
        }
        listen(0);
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        listening = false;
        PgConnection listener = connection;
        if (listener != null) {
            listener.close();
        }
    }

    /** Whether the listener is connected and listening. */
    public boolean listening() {
        return listening;
    }

    /** This replica's id in its notices. */
    String instanceId() {
        return instanceId;
    }

    /** The notice connection while it listens, for this replica's own notices; null while it reconnects. */
    PgConnection connection() {
        PgConnection open = connection;
        return listening ? open : null;
    }

    /** The Postgres backend process of the listening connection, when there is one. */
    OptionalInt listenerProcessId() {
        PgConnection listener = connection;
        return listener == null ? OptionalInt.empty() : OptionalInt.of(listener.processId());
    }

    /**
     * Connects and listens; when that fails, tries again after the delay for the attempt, until shut down. The
     * first failure since start-up or since a loss is logged.
     */
    private void listen(int attempt) {
        connections.open(poolCreator.dedicatedConnectionOptions(APPLICATION_NAME))
                // The handler first: a notice may come right behind the answer to LISTEN.
                .compose(opened -> opened.notificationHandler(notification -> received(notification.getPayload()))
                        .query("LISTEN " + quoted(channel)).execute().map(opened)
                        .onFailure(failure -> opened.close()))
                .onSuccess(opened -> {
                    if (stopped) {
                        opened.close();
                        return;
                    }
                    opened.closeHandler(closed -> lost(opened));
                    connection = opened;
                    listeningAgain();
                })
                .onFailure(failure -> {
                    if (stopped) {
                        return;
                    }
                    if (attempt == 0) {
                        LOG.warnf("Cache notices: cannot listen on channel %s yet (%s); retrying", channel, failure.toString());
                    }
                    vertx.setTimer(delay(attempt), id -> {
                        if (!stopped) {
                            listen(attempt + 1);
                        }
                    });
                });
    }

    private void lost(PgConnection closed) {
        if (stopped || connection != closed) {
            return;
        }
        connection = null;
        listening = false;
        LOG.warnf("Cache notices: lost the listening connection; reconnecting (meanwhile other replicas' writes "
                + "show here within CACHE_TTL)");
        vertx.setTimer(delay(0), id -> {
            if (!stopped) {
                listen(1);
            }
        });
    }

    /**
     * The channel as a quoted identifier ({@code pg_notify} takes its name as it is, case and all), cut to
     * what Postgres keeps of an identifier, as it would cut it, but without its notice.
     */
    private static String quoted(String channel) {
        String name = channel;
        while (name.getBytes(StandardCharsets.UTF_8).length > MAX_CHANNEL_BYTES) {
            name = name.substring(0, name.offsetByCodePoints(name.length(), -1));
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private long delay(int retries) {
        return Math.min(reconnectMaxMillis, FIRST_RECONNECT_MILLIS << Math.min(retries, 20));
    }

    /** Runs each time LISTEN has succeeded on a new connection: the first time and after every loss. */
    private void listeningAgain() {
        boolean first = !everListened;
        everListened = true;
        // Notices sent while nobody listened are gone: what this replica cached meanwhile may be stale.
        emptyAll();
        listening = true;
        if (first) {
            LOG.infof("Cache notices: listening on channel %s as instance %s", channel, instanceId);
        } else {
            reconnects.increment();
            LOG.infof("Cache notices: listening again on channel %s; emptied every cache, since notices may have been missed",
                    channel);
        }
    }

    private void emptyAll() {
        CacheChanges everything = new CacheChanges();
        caches.names().forEach(everything::all);
        caches.empty(everything, positions.now());
    }

    private void received(String payload) {
        Notice notice;
        try {
            notice = CacheNoticeCodec.decode(payload);
        } catch (IllegalArgumentException unreadable) {
            invalid.increment();
            if (timeToLog()) {
                LOG.warnf("Cache notices: ignored a notice on channel %s: %s", channel, unreadable.getMessage());
            }
            return;
        }
        boolean own = instanceId.equals(notice.from());
        long delayMillis = Math.max(0, System.currentTimeMillis() - notice.sentAtMillis());
        (own ? delayOwn : delayOther).record(delayMillis, TimeUnit.MILLISECONDS);
        if (own) {
            receivedOwn.increment(); // emptied here before the write answered
            return;
        }
        receivedOther.increment();
        caches.empty(notice.changes(), notice.position() > 0 ? Uni.createFrom().item(notice.position()) : positions.now());
    }

    private boolean timeToLog() {
        long now = System.nanoTime();
        long last = lastInvalidLog.get();
        return now - last >= LOG_EVERY_NANOS && lastInvalidLog.compareAndSet(last, now);
    }
}

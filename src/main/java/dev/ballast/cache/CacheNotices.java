package dev.ballast.cache;

import dev.ballast.db.BoundedPoolCreator;
import dev.ballast.db.Database;
import dev.ballast.db.DedicatedConnections;
import dev.ballast.db.Statement;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.cache.CacheManager;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Cache invalidation across replicas through Postgres itself. After a write has committed and emptied this
 * replica's caches, its {@link CacheChanges} go out as one {@code NOTIFY} on {@code CACHE_NOTIFY_CHANNEL}
 * ({@code select pg_notify($1, $2)} on a pooled connection, through {@link Database}); every replica listens on
 * that channel ({@code LISTEN}) on a connection of its own outside the pool (named {@code ballast-cache-listener}
 * in {@code pg_stat_activity}), and empties the same entries when it hears one. Its own notices (same instance
 * id) are only counted.
 * <p>
 * A notice that fails to go out does not fail the write: it is logged and counted, and {@code CACHE_TTL}
 * bounds how long other replicas may serve the old view. When the listening connection is lost it reconnects
 * (after 50 ms, doubling up to {@code CACHE_NOTIFY_RECONNECT_MAX}); each time it listens again it
 * empties every cache, since notices sent meanwhile were missed. Nothing here blocks: sending is one
 * asynchronous statement, receiving runs on the listener connection's event loop and only removes entries.
 */
@ApplicationScoped
public class CacheNotices {

    static final String APPLICATION_NAME = "ballast-cache-listener";
    private static final Logger LOG = Logger.getLogger(CacheNotices.class);
    private static final Statement NOTIFY = Statement.write("cache.notify", "select pg_notify($1, $2)");
    private static final long FIRST_RECONNECT_MILLIS = 50;
    /** A Postgres identifier: NAMEDATALEN - 1. */
    private static final int MAX_CHANNEL_BYTES = 63;
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String instanceId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final Vertx vertx;
    private final BoundedPoolCreator poolCreator;
    private final DedicatedConnections connections;
    private final Pool pool;
    private final Database db;
    private final CacheManager caches;
    private final boolean enabled;
    private final String channel;
    /** Whether Postgres accepts the channel name: pg_notify refuses an empty one or one past NAMEDATALEN. */
    private final boolean channelAccepted;
    private final long reconnectMaxMillis;

    private final Counter sent;
    private final Counter sendFailures;
    private final Counter receivedOwn;
    private final Counter receivedOther;
    private final Counter invalid;
    private final Counter reconnects;
    private final Timer delayOwn;
    private final Timer delayOther;
    private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    private volatile PgConnection connection;
    private volatile boolean listening;
    private volatile boolean everListened;
    private volatile boolean stopped;

    CacheNotices(Vertx vertx, BoundedPoolCreator poolCreator, DedicatedConnections connections, Pool pool, Database db,
                 CacheManager caches,
                 MeterRegistry registry,
                 @ConfigProperty(name = "ballast.cache.notify.enabled") boolean enabled,
                 @ConfigProperty(name = "ballast.cache.notify.channel") String channel,
                 @ConfigProperty(name = "ballast.cache.notify.reconnect-max") Duration reconnectMax) {
        this.vertx = vertx;
        this.poolCreator = poolCreator;
        this.connections = connections;
        this.pool = pool;
        this.db = db;
        this.caches = caches;
        this.enabled = enabled;
        this.channel = channel;
        this.channelAccepted = !channel.isEmpty() && channel.getBytes(StandardCharsets.UTF_8).length <= MAX_CHANNEL_BYTES;
        this.reconnectMaxMillis = Math.max(FIRST_RECONNECT_MILLIS, reconnectMax.toMillis());
        this.sent = registry.counter("ballast.cache.notices.sent");
        this.sendFailures = registry.counter("ballast.cache.notices.send.failures");
        this.receivedOwn = registry.counter("ballast.cache.notices.received", "origin", "own");
        this.receivedOther = registry.counter("ballast.cache.notices.received", "origin", "other");
        this.invalid = registry.counter("ballast.cache.notices.invalid");
        this.reconnects = registry.counter("ballast.cache.listener.reconnects");
        this.delayOwn = delayTimer(registry, "own");
        this.delayOther = delayTimer(registry, "other");
        Gauge.builder("ballast.cache.listener.connected", this, notices -> notices.listening ? 1 : 0)
                .description("1 while this replica listens for other replicas' cache notices")
                .register(registry);
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
        pool.size(); // builds the pool, hence the connect options the listener uses too
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

    /**
     * Tells every other replica to empty these entries. Completes once the notice is sent (committed, so
     * Postgres delivers it), or failed: never fails itself.
     */
    Uni<Void> announce(CacheChanges changes) {
        if (!enabled || changes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String payload = new CacheNotice(instanceId, System.currentTimeMillis(), changes).encode();
        return db.execute(NOTIFY, Tuple.of(channel, payload))
                .onItem().invoke(rows -> sent.increment())
                .onFailure().invoke(failure -> {
                    sendFailures.increment();
                    if (timeToLog()) {
                        LOG.warnf("Cache notice not sent (%s): other replicas may serve the old view for up to CACHE_TTL",
                                failure.toString());
                    }
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * The channel a write's own statement sends its notice on ({@code pg_notify} in the write's transaction,
     * delivered at commit), or null when it must send none: notices off, or a channel Postgres refuses (a
     * notice that cannot go out must not fail the write).
     */
    String channelForWrites() {
        return enabled && channelAccepted ? channel : null;
    }

    /** Counts the notice a write's own statement sent, or, on a channel Postgres refuses, could not send. */
    void countWriteNotice() {
        if (!enabled) {
            return;
        }
        if (channelAccepted) {
            sent.increment();
            return;
        }
        sendFailures.increment();
        if (timeToLog()) {
            LOG.warnf("Cache notice not sent (channel refused by Postgres): other replicas may serve the old view for up to CACHE_TTL");
        }
    }

    /** This replica's id in its notices. */
    public String instanceId() {
        return instanceId;
    }

    /** Whether the listener is connected and listening. */
    public boolean listening() {
        return listening;
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
        caches.getCacheNames().forEach(everything::all);
        apply(everything);
    }

    private void received(String payload) {
        CacheNotice notice;
        try {
            notice = CacheNotice.decode(payload);
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
        apply(notice.changes());
    }

    private void apply(CacheChanges changes) {
        changes.applyTo(caches).subscribe().with(
                done -> { },
                failure -> LOG.warnf("Cache notices: could not empty %s: %s", changes, failure.toString()));
    }

    private boolean timeToLog() {
        long now = System.nanoTime();
        long last = lastFailureLog.get();
        return now - last >= LOG_EVERY_NANOS && lastFailureLog.compareAndSet(last, now);
    }
}

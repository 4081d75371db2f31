package dev.ballast.cache;

import dev.ballast.cache.CacheNoticeCodec.Notice;
import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Sends what a write changed to every other replica: after the write has committed and emptied this replica's
 * caches, its {@link CacheChanges} go out as one {@code NOTIFY} on {@code CACHE_NOTIFY_CHANNEL}
 * ({@code select pg_notify($1, $2)} on a pooled connection, through {@link Database}), signed with this
 * replica's instance id. A notice that fails to go out does not fail the write: it is logged and counted, and
 * {@code CACHE_TTL} bounds how long other replicas may serve the old view.
 */
@ApplicationScoped
public class CacheNoticeSender {

    private static final Logger LOG = Logger.getLogger(CacheNoticeSender.class);
    private static final Statement NOTIFY = Statement.write("cache.notify", "select pg_notify($1, $2)");
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** A Postgres identifier: NAMEDATALEN - 1. */
    private static final int MAX_CHANNEL_BYTES = 63;

    private final String instanceId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final Database db;
    private final boolean enabled;
    private final String channel;
    /** Whether Postgres accepts the channel name: pg_notify refuses an empty one or one past NAMEDATALEN. */
    private final boolean channelAccepted;
    private final Counter sent;
    private final Counter sendFailures;
    private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    CacheNoticeSender(Database db, MeterRegistry registry,
                      @ConfigProperty(name = "ballast.cache.notify.enabled") boolean enabled,
                      @ConfigProperty(name = "ballast.cache.notify.channel") String channel) {
        this.db = db;
        this.enabled = enabled;
        this.channel = channel;
        this.channelAccepted = !channel.isEmpty() && channel.getBytes(StandardCharsets.UTF_8).length <= MAX_CHANNEL_BYTES;
        this.sent = registry.counter("ballast.cache.notices.sent");
        this.sendFailures = registry.counter("ballast.cache.notices.send.failures");
    }

    /**
     * Tells every other replica to empty these entries. Completes once the notice is sent (committed, so
     * Postgres delivers it), or failed: never fails itself.
     */
    Uni<Void> announce(CacheChanges changes) {
        if (!enabled || changes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String payload = CacheNoticeCodec.encode(new Notice(instanceId, System.currentTimeMillis(), changes));
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

    private boolean timeToLog() {
        long now = System.nanoTime();
        long last = lastFailureLog.get();
        return now - last >= LOG_EVERY_NANOS && lastFailureLog.compareAndSet(last, now);
    }
}

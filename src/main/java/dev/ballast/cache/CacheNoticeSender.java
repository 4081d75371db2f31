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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Sends what a write changed to every other replica, as a {@code NOTIFY} on {@code CACHE_NOTIFY_CHANNEL} signed with
 * this replica's instance id, once the write has committed and emptied this replica's caches. The notices go out in
 * batches ({@link NoticeBatches}: {@code select pg_notify($1, p) from unnest($2) p} on a pooled connection, through
 * {@link Database}), and the write answers without waiting for its notice. A notice that fails to go out does not
 * fail the write: it is logged and counted, and {@code CACHE_TTL} bounds how long other replicas may serve the old
 * view.
 */
@ApplicationScoped
public class CacheNoticeSender {

    private static final Logger LOG = Logger.getLogger(CacheNoticeSender.class);
    private static final Statement NOTIFY = Statement.write("cache.notify",
            "select count(pg_notify($1, payload)) from unnest($2::text[]) as payload");
    /** At most about 2 MB a statement: a notice is at most 8,000 bytes (CacheNoticeCodec). */
    private static final int MAX_BATCH = 256;
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
    private final NoticeBatches batches = new NoticeBatches(MAX_BATCH, this::sendBatch);

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

    /** Tells every other replica to empty these entries, in the next batch of notices. */
    void announce(CacheChanges changes) {
        if (enabled && !changes.isEmpty()) {
            send(CacheNoticeCodec.encode(new Notice(instanceId, System.currentTimeMillis(), changes)));
        }
    }

    private void send(String payload) {
        if (channelAccepted) {
            batches.add(payload);
        } else {
            failed(1, "channel refused by Postgres");
        }
    }

    private Uni<Void> sendBatch(List<String> payloads) {
        return db.execute(NOTIFY, Tuple.of(channel, payloads.toArray(new String[0])))
                .onItem().invoke(rows -> sent.increment(payloads.size()))
                .onFailure().invoke(failure -> failed(payloads.size(), failure.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private void failed(int notices, String why) {
        sendFailures.increment(notices);
        if (timeToLog()) {
            LOG.warnf("Cache notice not sent (%s): other replicas may serve the old view for up to CACHE_TTL", why);
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

package dev.ballast.cache;

import dev.ballast.cache.CacheNoticeCodec.Notice;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Sends what a write changed to every other replica, as a {@code NOTIFY} on {@code CACHE_NOTIFY_CHANNEL} signed with
 * this replica's instance id, once the write has committed and emptied this replica's caches. The notices go out on
 * this replica's notice connection, the one it listens on ({@link CacheNoticeListener}): outside the pool and outside
 * every write's transaction, so that no write's commit waits for Postgres' notify lock. They are coalesced
 * ({@link NoticeBatches}: a notice waits {@value #COALESCE_MILLIS} ms for the others of that moment, then one
 * statement, {@code select pg_notify($1, p) from unnest($2) p}, carries them all, one statement at a time). The write
 * answers without waiting for its notice. A notice that fails to go out (the connection lost or reconnecting, the
 * statement refused or unanswered) does not fail the write: it is logged and counted, and {@code CACHE_TTL} bounds how
 * long other replicas may serve the old view. A batch with no answer within {@code SEND_TIMEOUT} closes the
 * connection, which the listener then opens again. At shutdown, the notices waiting go out first.
 */
@ApplicationScoped
public class CacheNoticeSender {

    private static final Logger LOG = Logger.getLogger(CacheNoticeSender.class);
    private static final String NOTIFY = "select count(pg_notify($1, payload)) from unnest($2::text[]) as payload";
    /** Long enough to gather the notices of a busy moment, short against the 0.5 s in which other replicas see a write. */
    static final long COALESCE_MILLIS = 5;
    /** At most about 2 MB a statement: a notice is at most 8,000 bytes (CacheNoticeCodec), most a few hundred. */
    private static final int MAX_BATCH = 256;
    /** Notices waiting while the database does not answer: past that, new ones are dropped. */
    private static final int MAX_WAITING = 4 * MAX_BATCH;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    private static final long STOP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** A Postgres identifier: NAMEDATALEN - 1. */
    private static final int MAX_CHANNEL_BYTES = 63;

    private final CacheNoticeListener listener;
    private final boolean enabled;
    private final String channel;
    /** Whether Postgres accepts the channel name: pg_notify refuses an empty one or one past NAMEDATALEN. */
    private final boolean channelAccepted;
    private final Counter sent;
    private final Counter sendFailures;
    private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private final NoticeBatches batches;

    CacheNoticeSender(Vertx vertx, CacheNoticeListener listener, MeterRegistry registry, CacheSettings settings) {
        this.listener = listener;
        this.enabled = settings.notices().enabled();
        this.channel = settings.notices().channel();
        this.channelAccepted = !channel.isEmpty() && channel.getBytes(StandardCharsets.UTF_8).length <= MAX_CHANNEL_BYTES;
        this.sent = registry.counter("ballast.cache.notices.sent");
        this.sendFailures = registry.counter("ballast.cache.notices.send.failures");
        this.batches = new NoticeBatches(MAX_BATCH, MAX_WAITING, task -> vertx.setTimer(COALESCE_MILLIS, id -> task.run()),
                this::sendBatch, () -> failed(1, "too many notices waiting for the database"));
    }

    /**
     * Tells every other replica to empty these entries, in the next batch of notices once the write's WAL position
     * ({@code position}: at or past its commit, 0 without read replicas) is known: a replica applying it then keeps
     * no fill read on a read replica behind that position.
     */
    void announce(CacheChanges changes, Uni<Long> position) {
        if (!enabled || changes.isEmpty()) {
            return;
        }
        if (channelAccepted) {
            position.subscribe().with(at -> batches.add(CacheNoticeCodec.encode(
                    new Notice(listener.instanceId(), System.currentTimeMillis(), at, changes))));
        } else {
            failed(1, "channel refused by Postgres");
        }
    }

    private Uni<Void> sendBatch(List<String> payloads) {
        PgConnection connection = listener.connection();
        if (connection == null) {
            failed(payloads.size(), "no notice connection: reconnecting");
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().completionStage(() -> connection.preparedQuery(NOTIFY)
                        .execute(Tuple.tuple().addString(channel).addArrayOfString(payloads.toArray(String[]::new)))
                        .toCompletionStage())
                .ifNoItem().after(SEND_TIMEOUT).failWith(() -> new TimeoutException("no answer within " + SEND_TIMEOUT))
                .onItem().invoke(rows -> sent.increment(payloads.size()))
                .onFailure(TimeoutException.class).invoke(() -> connection.close())
                .onFailure().invoke(failure -> failed(payloads.size(), failure.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Before the notice connection closes: the last writes' notices go out (for a second at most). */
    void stop(@Observes @Priority(Interceptor.Priority.APPLICATION) ShutdownEvent event) throws InterruptedException {
        long deadline = System.nanoTime() + STOP_WAIT_NANOS;
        while (!batches.idle() && System.nanoTime() < deadline) {
            Thread.sleep(COALESCE_MILLIS);
        }
    }

    private void failed(int notices, String why) {
        sendFailures.increment(notices);
        if (timeToLog()) {
            LOG.warnf("Cache notice not sent (%s): other replicas may serve the old view for up to CACHE_TTL", why);
        }
    }

    private boolean timeToLog() {
        long now = System.nanoTime();
        long last = lastFailureLog.get();
        return now - last >= LOG_EVERY_NANOS && lastFailureLog.compareAndSet(last, now);
    }
}

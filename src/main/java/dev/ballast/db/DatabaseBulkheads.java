package dev.ballast.db;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Concurrency limits (SmallRye Fault Tolerance bulkheads) on database connections, one for reads and one for
 * writes, each less than the whole pool so that a flood of one kind still leaves connections to the other.
 * Each lets a bounded number wait; past that, calls fail at once with {@code BulkheadException} (503 with
 * Retry-After). A call waits in the queue no longer than the pool's acquire timeout
 * ({@code DB_CONNECT_TIMEOUT_MS}): the bulkhead's queue has no time bound of its own, so without this a call
 * behind slow ones would wait for its request deadline. Past that it fails as a busy database does (503). Each
 * read replica has a read bulkhead of its own, sized from its pool the same way ({@link Replica}).
 */
@ApplicationScoped
public class DatabaseBulkheads {

    private static final Logger LOG = Logger.getLogger(DatabaseBulkheads.class);

    private final Vertx vertx;
    private final MeterRegistry registry;
    private final int queueFactor;
    private final long queueWaitMillis;
    private final Counter waitedTooLong;
    private final Guard reads;
    private final Guard writes;

    DatabaseBulkheads(Vertx vertx, MeterRegistry registry,
                      @ConfigProperty(name = "quarkus.datasource.reactive.max-size") int poolSize,
                      BulkheadSettings settings, DatabaseSettings database) {
        this.vertx = vertx;
        this.registry = registry;
        this.queueFactor = settings.queueFactor();
        this.queueWaitMillis = database.acquireTimeoutMs();
        this.waitedTooLong = registry.counter("ballast.db.calls.failed", "reason", "bulkhead-wait");
        // 0 means "derive from the pool": reads may hold 3/4 of it, writes 1/2, so neither kind takes all.
        int readers = readers(settings.reads(), poolSize);
        int writers = settings.writes() > 0 ? settings.writes() : Math.max(1, poolSize / 2);
        this.reads = bulkhead("db-reads", readers, readers * queueFactor, registry);
        this.writes = bulkhead("db-writes", writers, writers * queueFactor, registry);
        LOG.infof("Database bulkheads: %d reads (+%d waiting), %d writes (+%d waiting), none waiting over %d ms",
                readers, readers * queueFactor, writers, writers * queueFactor, queueWaitMillis);
    }

    /** The reads at once on a pool of {@code poolSize}: {@code limit}, or 3/4 of the pool when it is 0. */
    static int readers(int limit, int poolSize) {
        return limit > 0 ? limit : Math.max(1, poolSize * 3 / 4);
    }

    /** A read replica's bulkhead, named {@code db-reads-<replica>} in the rejection counter. */
    Guard replicaReads(String replica, int limit) {
        return bulkhead("db-reads-" + replica, limit, limit * queueFactor, registry);
    }

    /** Work on a read replica, within its bulkhead. */
    <T> Uni<T> reading(Guard replicaReads, Supplier<Uni<T>> work) {
        return guarded(replicaReads, work);
    }

    int queueFactor() {
        return queueFactor;
    }

    public <T> Uni<T> reading(Supplier<Uni<T>> work) {
        return guarded(reads, work);
    }

    public <T> Uni<T> writing(Supplier<Uni<T>> work) {
        return guarded(writes, work);
    }

    private <T> Uni<T> guarded(Guard guard, Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> {
            Entry entry = new Entry();
            // The guard recognises Uni as an asynchronous type: the permit is held until the Uni completes.
            // A call with a free permit starts right here; only one left in the queue gets a timer.
            Cancellable running = inBulkhead(guard, () -> entry.start() ? work.get() : Uni.createFrom().failure(
                    () -> new DatabaseUnavailableException("gave up waiting in the bulkhead queue")))
                    .subscribe().with(emitter::complete, emitter::fail);
            long timer = !entry.waiting() ? -1 : vertx.setTimer(queueWaitMillis, id -> {
                if (entry.giveUp()) {
                    waitedTooLong.increment();
                    emitter.fail(new DatabaseUnavailableException(
                            "no database connection free within " + queueWaitMillis + " ms (bulkhead queue)"));
                }
            });
            emitter.onTermination(() -> {
                if (timer != -1) {
                    vertx.cancelTimer(timer);
                }
                // Cancelled while waiting (an abandoned request): the work must not start later for nobody.
                entry.giveUp();
                running.cancel();
            });
        });
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> Uni<T> inBulkhead(Guard guard, Supplier<Uni<T>> work) {
        return (Uni<T>) guard.get((Supplier) work, Uni.class);
    }

    /**
     * A call in the bulkhead: it either starts its work or gives up waiting, never both. One that gave up still
     * holds its queue place until the bulkhead reaches it; then it ends at once and the next one starts.
     */
    private static final class Entry {
        private static final int WAITING = 0;
        private static final int STARTED = 1;
        private static final int GAVE_UP = 2;
        private final AtomicInteger state = new AtomicInteger(WAITING);

        boolean start() {
            return state.compareAndSet(WAITING, STARTED);
        }

        boolean giveUp() {
            return state.compareAndSet(WAITING, GAVE_UP);
        }

        boolean waiting() {
            return state.get() == WAITING;
        }
    }

    private static Guard bulkhead(String name, int limit, int queue, MeterRegistry registry) {
        return Guard.create()
                .withDescription(name)
                .withBulkhead().limit(limit).queueSize(Math.max(1, queue))
                .onRejected(registry.counter("ballast.rejections", "reason", "bulkhead", "bulkhead", name)::increment)
                .done()
                .withThreadOffload(false)
                .build();
    }
}

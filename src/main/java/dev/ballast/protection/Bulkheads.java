package dev.ballast.protection;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Concurrency limits (SmallRye Fault Tolerance bulkheads) for the two scarce things a request can hold in the
 * database: connections for reading and connections for writing. Each
 * lets a bounded number wait; past that, calls fail at once with {@code BulkheadException} (503 with
 * Retry-After) instead of queueing. Reads and writes each get less than the whole pool, so a flood of
 * one still leaves connections to the other.
 */
@ApplicationScoped
public class Bulkheads {

    private static final Logger LOG = Logger.getLogger(Bulkheads.class);

    private final Guard reads;
    private final Guard writes;

    Bulkheads(MeterRegistry registry,
              @ConfigProperty(name = "quarkus.datasource.reactive.max-size") int poolSize,
              @ConfigProperty(name = "ballast.bulkhead.reads") int readLimit,
              @ConfigProperty(name = "ballast.bulkhead.writes") int writeLimit,
              @ConfigProperty(name = "ballast.bulkhead.queue-factor") int queueFactor) {
        // 0 means "derive from the pool": reads may hold 3/4 of it, writes 1/2, so neither kind takes all.
        int readers = readLimit > 0 ? readLimit : Math.max(1, poolSize * 3 / 4);
        int writers = writeLimit > 0 ? writeLimit : Math.max(1, poolSize / 2);
        this.reads = bulkhead("db-reads", readers, readers * queueFactor, registry);
        this.writes = bulkhead("db-writes", writers, writers * queueFactor, registry);
        LOG.infof("Bulkheads: %d database reads (+%d waiting), %d writes (+%d waiting)",
                readers, readers * queueFactor, writers, writers * queueFactor);
    }

    public <T> Uni<T> reading(Supplier<Uni<T>> work) {
        return guarded(reads, work);
    }

    public <T> Uni<T> writing(Supplier<Uni<T>> work) {
        return guarded(writes, work);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> Uni<T> guarded(Guard guard, Supplier<Uni<T>> work) {
        // The guard recognises Uni as an asynchronous type: the permit is held until the Uni completes.
        return (Uni<T>) guard.get((Supplier) work, Uni.class);
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

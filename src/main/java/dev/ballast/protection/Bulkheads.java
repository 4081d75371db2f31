package dev.ballast.protection;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The concurrency limit (a SmallRye Fault Tolerance bulkhead) on password-hashing threads: it lets a bounded
 * number wait; past that, calls fail at once with {@code BulkheadException} (503 with Retry-After) instead of
 * queueing. The database's own are in {@code dev.ballast.db.DatabaseBulkheads}.
 */
@ApplicationScoped
public class Bulkheads {

    private static final Logger LOG = Logger.getLogger(Bulkheads.class);

    private final Guard hashing;

    Bulkheads(MeterRegistry registry,
              @ConfigProperty(name = "ballast.password.workers") int hashingWorkers,
              @ConfigProperty(name = "ballast.password.queue") int hashingQueue) {
        this.hashing = bulkhead("password-hashing", hashingThreads(hashingWorkers), hashingQueue, registry);
        LOG.infof("Bulkheads: %d password hashes (+%d waiting)", hashingThreads(hashingWorkers), hashingQueue);
    }

    /** The password-hashing threads: as configured, or (0) half the cores and at least one. */
    public static int hashingThreads(int configured) {
        return configured > 0 ? configured : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    public <T> Uni<T> hashing(Supplier<Uni<T>> work) {
        return guarded(hashing, work);
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

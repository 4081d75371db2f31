package dev.ballast.user;

import dev.ballast.protection.Bulkheads;
import dev.ballast.protection.HashingShare;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.jboss.logging.Logger;

/**
 * bcrypt on a small pool of its own: hashing is deliberately slow CPU work, so it never runs on an event
 * loop. Two bounds keep it from starving readers: a rate of hashes a second (its CPU share, see
 * {@link HashingShare}) and the hashing bulkhead (how many wait for a thread). Past either, 503 at once.
 * Created at start-up, because it times bcrypt then: never on an event loop at the first login.
 */
@Startup
@ApplicationScoped
public class PasswordHasher {

    private static final Logger LOG = Logger.getLogger(PasswordHasher.class);

    /** Compared against when the email is unknown, so that a miss costs as much time as a wrong password. */
    private final String decoyHash;
    private final int cost;
    private final ExecutorService workers;
    private final Bulkheads bulkheads;
    private final HashingShare share;
    private final Counter overShare;

    PasswordHasher(Bulkheads bulkheads, MeterRegistry registry,
                   @ConfigProperty(name = "ballast.password.bcrypt-cost") int cost,
                   @ConfigProperty(name = "ballast.password.workers") int workers,
                   @ConfigProperty(name = "ballast.password.cpu-share") double cpuShare,
                   @ConfigProperty(name = "ballast.password.hashes-per-second") double hashesPerSecond) {
        if (cost < 10) {
            throw new IllegalArgumentException("bcrypt cost must be at least 10, was " + cost);
        }
        this.bulkheads = bulkheads;
        this.cost = cost;
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(Bulkheads.hashingThreads(workers), task -> {
            Thread thread = new Thread(task, "password-hasher-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.decoyHash = BcryptUtil.bcryptHash("decoy password", cost);
        Duration hashTime = timeOneHash(cost);
        int cores = Runtime.getRuntime().availableProcessors();
        double rate = hashesPerSecond > 0 ? hashesPerSecond : HashingShare.hashesPerSecond(cpuShare, cores, hashTime);
        this.share = new HashingShare(rate, System.nanoTime());
        this.overShare = registry.counter("ballast.password.rejections", "reason", "cpu_share");
        registry.gauge("ballast.password.hashes.per.second.max", share, HashingShare::perSecond);
        LOG.infof("Password hashing: bcrypt cost %d takes %d ms here; at most %.1f hashes a second (%.2f of %d cores%s)",
                cost, hashTime.toMillis(), rate, cpuShare, cores, hashesPerSecond > 0 ? ", overridden by PASSWORD_HASH_RATE" : "");
    }

    /** The fastest of three hashes (the first ones run before the JIT has compiled bcrypt). */
    private static Duration timeOneHash(int cost) {
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            BcryptUtil.bcryptHash("timing password", cost);
            fastest = Math.min(fastest, System.nanoTime() - start);
        }
        return Duration.ofNanos(fastest);
    }

    public Uni<String> hash(String password) {
        return offloaded(() -> BcryptUtil.bcryptHash(password, cost));
    }

    /** Whether the password matches; a null hash (unknown user) still costs one comparison. */
    public Uni<Boolean> matches(String password, String hash) {
        return offloaded(() -> BcryptUtil.matches(password, hash == null ? decoyHash : hash) && hash != null);
    }

    private <T> Uni<T> offloaded(java.util.function.Supplier<T> work) {
        return Uni.createFrom().deferred(() -> {
            if (!share.tryAcquire(System.nanoTime())) {
                overShare.increment();
                // The same answer as a full hashing bulkhead: 503 with Retry-After.
                return Uni.createFrom().failure(new BulkheadException("password hashing is at its share of the CPU"));
            }
            return bulkheads.hashing(() -> Uni.createFrom().item(work).runSubscriptionOn(workers));
        });
    }

    @PreDestroy
    void shutdown() {
        workers.shutdown();
    }
}

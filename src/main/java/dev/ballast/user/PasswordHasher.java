package dev.ballast.user;

import dev.ballast.protection.Bulkheads;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * bcrypt on a small pool of its own: hashing is deliberately slow CPU work, so it never runs on an event
 * loop. The hashing bulkhead bounds how many wait for it; past that, 503 at once instead of a pile-up.
 */
@ApplicationScoped
public class PasswordHasher {

    /** Compared against when the email is unknown, so that a miss costs as much time as a wrong password. */
    private final String decoyHash;
    private final int cost;
    private final ExecutorService workers;
    private final Bulkheads bulkheads;

    PasswordHasher(Bulkheads bulkheads,
                   @ConfigProperty(name = "ballast.password.bcrypt-cost") int cost,
                   @ConfigProperty(name = "ballast.password.workers") int workers) {
        this.bulkheads = bulkheads;
        this.cost = cost;
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(Bulkheads.hashingThreads(workers), task -> {
            Thread thread = new Thread(task, "password-hasher-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.decoyHash = BcryptUtil.bcryptHash("decoy password", cost);
    }

    public Uni<String> hash(String password) {
        return offloaded(() -> BcryptUtil.bcryptHash(password, cost));
    }

    /** Whether the password matches; a null hash (unknown user) still costs one comparison. */
    public Uni<Boolean> matches(String password, String hash) {
        return offloaded(() -> BcryptUtil.matches(password, hash == null ? decoyHash : hash) && hash != null);
    }

    private <T> Uni<T> offloaded(java.util.function.Supplier<T> work) {
        return bulkheads.hashing(() -> Uni.createFrom().item(work).runSubscriptionOn(workers));
    }

    @PreDestroy
    void shutdown() {
        workers.shutdown();
    }
}

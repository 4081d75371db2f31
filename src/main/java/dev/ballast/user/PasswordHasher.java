package dev.ballast.user;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * bcrypt on a small pool of its own: hashing is deliberately slow CPU work, so it never runs on an
 * event loop, and a full queue rejects at once (503) instead of letting logins pile up.
 */
@ApplicationScoped
public class PasswordHasher {

    /** Compared against when the email is unknown, so that a miss costs as much time as a wrong password. */
    private final String decoyHash;
    private final int cost;
    private final ExecutorService workers;

    PasswordHasher(@ConfigProperty(name = "ballast.password.bcrypt-cost") int cost,
                   @ConfigProperty(name = "ballast.password.workers") int workers,
                   @ConfigProperty(name = "ballast.password.queue") int queue) {
        this.cost = cost;
        AtomicInteger threads = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
                task -> {
                    Thread thread = new Thread(task, "password-hasher-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                },
                new ThreadPoolExecutor.AbortPolicy());
        this.decoyHash = BcryptUtil.bcryptHash("decoy password", cost);
    }

    public Uni<String> hash(String password) {
        return Uni.createFrom().item(() -> BcryptUtil.bcryptHash(password, cost)).runSubscriptionOn(workers);
    }

    /** Whether the password matches; a null hash (unknown user) still costs one comparison. */
    public Uni<Boolean> matches(String password, String hash) {
        return Uni.createFrom()
                .item(() -> BcryptUtil.matches(password, hash == null ? decoyHash : hash) && hash != null)
                .runSubscriptionOn(workers);
    }

    @PreDestroy
    void shutdown() {
        workers.shutdown();
    }
}

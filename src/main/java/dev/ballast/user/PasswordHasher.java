package dev.ballast.user;

import dev.ballast.db.DatabaseGate;
import dev.ballast.protection.AdmissionControl;
import dev.ballast.protection.AdmissionSettings;
import dev.ballast.protection.AddressRateLimit;
import dev.ballast.protection.PasswordRequests;
import dev.ballast.protection.PasswordSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.jboss.logging.Logger;

/**
 * bcrypt on threads of its own: hashing is deliberately slow CPU work, so it never runs on an event loop. It is
 * work-conserving ({@link HashingQueue}): while the CPU has room, every hashing thread is used; while readers need the
 * CPU (they are around, and wait for it), hashing is held to its share ({@link HashingShare}): a burst of logins still
 * runs on every thread, and a flood, past the burst, is paced. A login is refused (503 with Retry-After) only when it
 * could not start hashing in time: by its request's deadline less one hash, and under contention within
 * {@code PASSWORD_HASH_CONTENDED_MAX_WAIT} (2 s: past the burst, logins are served at the share's pace, while a
 * flood's excess is refused at once). Created at start-up, because it times bcrypt then: never on an event loop at the first
 * login.
 */
@Startup
@ApplicationScoped
public class PasswordHasher {

    private static final Logger LOG = Logger.getLogger(PasswordHasher.class);

    /** Compared against when the email is unknown, so that a miss costs as much time as a wrong password. */
    private final String decoyHash;
    private final int cost;
    private final ExecutorService workers;
    private final HashingQueue queue;
    private final AdmissionControl admission;
    private final PasswordRequests passwordRequests;
    private final Vertx vertx;
    private final long contendedWaitNanos;
    private final long requestTimeoutNanos;
    private final AtomicBoolean retryPending = new AtomicBoolean();
    private final Counter refused;

    PasswordHasher(AdmissionControl admission, PasswordRequests passwordRequests, Vertx vertx, MeterRegistry registry,
                   PasswordSettings settings, AdmissionSettings admissionSettings) {
        int cost = settings.bcryptCost();
        double cpuShare = settings.cpuShare();
        if (cost < 10) {
            throw new IllegalArgumentException("bcrypt cost must be at least 10, was " + cost);
        }
        this.cost = cost;
        this.admission = admission;
        this.passwordRequests = passwordRequests;
        this.vertx = vertx;
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = settings.workers() > 0 ? settings.workers() : cores;
        AtomicInteger threadNumber = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "password-hasher-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.decoyHash = BcryptUtil.bcryptHash("decoy password", cost);
        Duration hashTime = timeOneHash(cost);
        double rate = settings.hashesPerSecond() > 0 ? settings.hashesPerSecond() : HashingShare.hashesPerSecond(cpuShare, cores, hashTime);
        HashingShare share = new HashingShare(rate, settings.burst(), System.nanoTime());
        this.queue = new HashingQueue(threads, share, hashTime.toNanos());
        this.contendedWaitNanos = settings.contendedMaxWait().toNanos();
        this.requestTimeoutNanos = admissionSettings.requestTimeout().toNanos();
        this.refused = registry.counter("ballast.password.rejections", "reason", "wait");
        registry.gauge("ballast.password.hashes.per.second.max", share, HashingShare::perSecond);
        registry.gauge("ballast.password.waiting", queue, HashingQueue::waiting);
        registry.gauge("ballast.password.contended", this, hasher -> hasher.contended() ? 1 : 0);
        LOG.infof("Password hashing: bcrypt cost %d takes %d ms here, on %d threads; under contention a burst of %d,"
                        + " then at most %.1f hashes a second (%.2f of %d cores%s)",
                cost, hashTime.toMillis(), threads, settings.burst(), rate, cpuShare, cores,
                settings.hashesPerSecond() > 0 ? ", overridden by PASSWORD_HASH_RATE" : "");
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

    boolean contended() {
        return readersNeedTheCpu(admission.readersPresent(passwordRequests.inFlight()), admission.readersWaiting());
    }

    /**
     * Readers need the CPU: requests other than logins and registrations are around, and readers wait for the CPU
     * ({@link AdmissionControl#readersWaiting}). A replica serving readers with CPU to spare is not short of it;
     * logins alone make the loops late (hashing on every core) but delay nobody but themselves, and the share would
     * refuse work an idle CPU can do.
     */
    static boolean readersNeedTheCpu(boolean readersPresent, boolean readersWaiting) {
        return readersPresent && readersWaiting;
    }

    private <T> Uni<T> offloaded(Supplier<T> work) {
        return Uni.createFrom().emitter(emitter -> {
            long now = System.nanoTime();
            boolean contended = contended();
            HashingQueue.Job job = new HashingQueue.Job() {
                @Override
                public void start() {
                    workers.execute(() -> run(work, emitter));
                }

                @Override
                public void refuse() {
                    refuseHash(emitter);
                }
            };
            if (queue.offer(job, AddressRateLimit.currentClient(), latestStart(now, contended), now, contended)) {
                dispatch();
            } else {
                refuseHash(emitter);
            }
        });
    }

    /** The request's deadline less one hash; under contention no later than the contended wait from now. */
    private long latestStart(long now, boolean contended) {
        Context context = Vertx.currentContext();
        Long deadline = context == null ? null : context.getLocal(DatabaseGate.REQUEST_DEADLINE);
        long latest = (deadline != null ? deadline : now + requestTimeoutNanos) - queue.hashNanos();
        return contended ? Math.min(latest, now + contendedWaitNanos) : latest;
    }

    private <T> void run(Supplier<T> work, UniEmitter<? super T> emitter) {
        long start = System.nanoTime();
        T result;
        try {
            result = work.get();
        } catch (RuntimeException e) {
            finished(start);
            emitter.fail(e);
            return;
        }
        // The next hash may start before this request carries on with its result.
        finished(start);
        emitter.complete(result);
    }

    private void finished(long start) {
        queue.finished(System.nanoTime() - start);
        dispatch();
    }

    private void dispatch() {
        HashingQueue.Dispatch next = queue.dispatch(System.nanoTime(), contended());
        next.start().forEach(HashingQueue.Job::start);
        next.refuse().forEach(HashingQueue.Job::refuse);
        if (next.retryInNanos() >= 0 && retryPending.compareAndSet(false, true)) {
            vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(next.retryInNanos())), id -> {
                retryPending.set(false);
                dispatch();
            });
        }
    }

    private void refuseHash(UniEmitter<?> emitter) {
        refused.increment();
        // The same answer as a full bulkhead: 503 with Retry-After.
        emitter.fail(new BulkheadException("password hashing could not start before the request's deadline"));
    }

    @PreDestroy
    void shutdown() {
        workers.shutdown();
    }
}

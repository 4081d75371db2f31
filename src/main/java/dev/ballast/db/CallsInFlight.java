package dev.ballast.db;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gate's calls in flight, and what fails them from outside: one sweep every {@code DB_DEADLINE_SWEEP_MS}
 * over them all aborts those past their deadline (rather than a timer per call), the heartbeat's breaker
 * opening aborts every one on the primary's pool, and a read replica failing its check every one on its pool.
 */
@ApplicationScoped
class CallsInFlight {

    private final Vertx vertx;
    private final long sweepMillis;
    private final Set<GatedCall<?>> calls = ConcurrentHashMap.newKeySet();
    private final Counter pastDeadline;
    private final Counter failedByBreaker;
    private long sweeper = -1;

    private final Counter failedByReplicaCheck;

    CallsInFlight(Vertx vertx, Heartbeat heartbeat, Pool primary, MeterRegistry registry, DatabaseSettings settings) {
        this.vertx = vertx;
        this.sweepMillis = settings.deadlineSweepMs();
        this.pastDeadline = DatabaseGate.pastDeadline(registry);
        this.failedByBreaker = registry.counter("ballast.db.calls.failed", "reason", "circuit-opened-in-flight");
        this.failedByReplicaCheck = registry.counter("ballast.db.calls.failed", "reason", "replica-failing-in-flight");
        heartbeat.whenOpened(() -> failAll(primary, failedByBreaker, "database is not answering (circuit breaker opened)"));
    }

    void start(@Observes StartupEvent event) {
        sweeper = vertx.setPeriodic(sweepMillis, id -> failPastDeadline());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(sweeper);
    }

    void add(GatedCall<?> call) {
        calls.add(call);
    }

    void remove(GatedCall<?> call) {
        calls.remove(call);
    }

    private void failPastDeadline() {
        long now = System.nanoTime();
        for (GatedCall<?> call : calls) {
            if (call.isPastDeadline(now)
                    && call.abort(new DatabaseUnavailableException("no answer from the database within the deadline"))) {
                pastDeadline.increment();
            }
        }
    }

    /** Fails the calls on a read replica's pool: it stopped answering its checks. */
    void failAllOn(Pool replica) {
        failAll(replica, failedByReplicaCheck, "read replica is not answering its checks");
    }

    private void failAll(Pool pool, Counter failed, String reason) {
        for (GatedCall<?> call : calls) {
            if (call.isOn(pool) && call.abort(new DatabaseUnavailableException(reason))) {
                failed.increment();
            }
        }
    }
}

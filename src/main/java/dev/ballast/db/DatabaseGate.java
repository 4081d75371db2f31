package dev.ballast.db;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every database call passes here. Each gets a client-side deadline: {@code DB_QUERY_TIMEOUT_MS}, or the
 * request's own deadline when that comes first (an absolute {@link System#nanoTime()} in the request's
 * context under {@value #REQUEST_DEADLINE}). Past it the call fails (503) and its connection is closed, not
 * handed back to the pool: a statement may still be running on it, its state is unknown. While the
 * heartbeat's circuit breaker is open, calls are refused at once and those in flight are failed the same way.
 * Connections are taken from the pool explicitly, so that the one to close is known. Deadlines are checked
 * by one sweep every {@code DB_DEADLINE_SWEEP_MS} over the calls in flight, rather than by a timer per call.
 */
@ApplicationScoped
public class DatabaseGate {

    /** The request's deadline (a {@code Long}, absolute {@code System.nanoTime()}), set by the HTTP layer. */
    public static final String REQUEST_DEADLINE = "ballast.request-deadline";

    private final Vertx vertx;
    private final Pool pool;
    private final Heartbeat heartbeat;
    private final long queryTimeoutNanos;
    private final long sweepMillis;
    private long sweeper = -1;
    private final Set<Call<?>> inFlight = ConcurrentHashMap.newKeySet();
    private final Counter pastDeadline;
    private final Counter refused;
    private final Counter failedByBreaker;

    DatabaseGate(Vertx vertx, Pool pool, Heartbeat heartbeat, MeterRegistry registry,
                 @ConfigProperty(name = "ballast.db.query-timeout-ms") long queryTimeoutMillis,
                 @ConfigProperty(name = "ballast.db.deadline-sweep-ms") long sweepMillis) {
        this.vertx = vertx;
        this.pool = pool;
        this.heartbeat = heartbeat;
        this.queryTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(queryTimeoutMillis);
        this.sweepMillis = sweepMillis;
        this.pastDeadline = registry.counter("ballast.db.calls.failed", "reason", "deadline");
        this.refused = registry.counter("ballast.db.calls.failed", "reason", "circuit-open");
        this.failedByBreaker = registry.counter("ballast.db.calls.failed", "reason", "circuit-opened-in-flight");
        heartbeat.whenOpened(this::failInFlight);
    }

    void start(@Observes StartupEvent event) {
        sweeper = vertx.setPeriodic(sweepMillis, id -> failPastDeadline());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(sweeper);
    }

    /** Runs work on a connection of its own, within the deadline; the connection goes back to the pool after. */
    public <T> Uni<T> withConnection(Function<SqlConnection, Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> {
            if (!heartbeat.allowsCalls()) {
                refused.increment();
                emitter.fail(new DatabaseUnavailableException("database is not answering (circuit breaker open)"));
                return;
            }
            long deadline = deadline();
            if (deadline - System.nanoTime() <= 0) {
                pastDeadline.increment();
                emitter.fail(new DatabaseUnavailableException("request deadline passed before the database call"));
                return;
            }
            new Call<>(emitter, work, deadline).start();
        });
    }

    /** Runs work in one transaction, within one deadline: committed when it succeeds, rolled back when it fails. */
    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return withConnection(connection -> connection.begin().chain(transaction -> work.apply(connection)
                .call(transaction::commit)
                .onFailure().call(failure -> transaction.rollback().onFailure().recoverWithNull())));
    }

    private long deadline() {
        long own = System.nanoTime() + queryTimeoutNanos;
        Context context = Vertx.currentContext();
        if (context != null && VertxContext.isDuplicatedContext(context)) {
            Optional<Long> request = ContextLocals.get(REQUEST_DEADLINE);
            if (request.isPresent() && request.get() - own < 0) {
                return request.get();
            }
        }
        return own;
    }

    private void failPastDeadline() {
        long now = System.nanoTime();
        for (Call<?> call : inFlight) {
            if (now - call.deadline >= 0
                    && call.abort(new DatabaseUnavailableException("no answer from the database within the deadline"))) {
                pastDeadline.increment();
            }
        }
    }

    private void failInFlight() {
        for (Call<?> call : inFlight) {
            if (call.abort(new DatabaseUnavailableException("database is not answering (circuit breaker opened)"))) {
                failedByBreaker.increment();
            }
        }
    }

    /** One call: settled exactly once, by its work's outcome, its deadline or the breaker, whichever comes first. */
    private final class Call<T> {
        private final UniEmitter<? super T> emitter;
        private final Function<SqlConnection, Uni<T>> work;
        private final Context context = Vertx.currentContext();
        private final AtomicBoolean settled = new AtomicBoolean();
        private final long deadline;
        private volatile io.vertx.sqlclient.SqlConnection connection;

        Call(UniEmitter<? super T> emitter, Function<SqlConnection, Uni<T>> work, long deadline) {
            this.emitter = emitter;
            this.work = work;
            this.deadline = deadline;
        }

        void start() {
            inFlight.add(this);
            pool.getDelegate().getConnection().onComplete(this::acquired);
        }

        private void acquired(AsyncResult<io.vertx.sqlclient.SqlConnection> result) {
            if (result.failed()) {
                if (settle()) {
                    emitter.fail(result.cause());
                }
                return;
            }
            connection = result.result();
            if (settled.get()) { // the deadline or the breaker came first; nothing was sent on it
                connection.close();
                return;
            }
            work.apply(SqlConnection.newInstance(connection)).subscribe().with(this::succeeded, this::failed);
        }

        private void succeeded(T item) {
            if (settle()) {
                connection.close();
                emitter.complete(item);
            }
        }

        private void failed(Throwable failure) {
            if (settle()) {
                connection.close();
                emitter.fail(failure);
            }
        }

        /** Fails the call and closes its connection's socket; false when it was already settled. */
        boolean abort(Throwable reason) {
            if (!settle()) {
                return false;
            }
            io.vertx.sqlclient.SqlConnection held = connection;
            if (held != null) {
                Connections.closeSocket(held);
            }
            if (context == null || Vertx.currentContext() == context) {
                emitter.fail(reason);
            } else {
                context.runOnContext(ignored -> emitter.fail(reason));
            }
            return true;
        }

        private boolean settle() {
            if (!settled.compareAndSet(false, true)) {
                return false;
            }
            inFlight.remove(this);
            return true;
        }
    }
}

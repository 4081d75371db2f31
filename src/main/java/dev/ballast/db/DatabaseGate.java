package dev.ballast.db;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Every statement on a pooled connection passes here. Each call gets a client-side deadline:
 * {@code DB_QUERY_TIMEOUT_MS}, or the request's own deadline when that comes first (an absolute
 * {@link System#nanoTime()} in the request's context under {@value #REQUEST_DEADLINE}). Past it the call fails
 * (503) and its connection is closed, not handed back to the pool: a statement may still be running on it, its
 * state is unknown. While the heartbeat's circuit breaker is open, calls are refused at once and those in flight
 * are failed the same way ({@link CallsInFlight}). Connections are taken from the pool explicitly, so that the
 * one to close is known ({@link GatedCall}). A read replica's calls pass here too, on its own pool, refused while its
 * checks fail instead of the primary's breaker ({@link Replica}).
 * <p>
 * Outside the gate, on purpose: the heartbeat's own connection (it feeds the breaker the gate obeys, so it
 * cannot wait on it), the cache notice connection (LISTEN holds a connection of its own for as long as the
 * replica runs; the replica's own notices go out on it too, never waiting on the gate), and the start-up check of the Vert.x internals ({@code internals.InternalsCheck}: it must close
 * the socket of one pooled connection itself, and exhausts a throw-away pool of its own).
 */
@ApplicationScoped
public class DatabaseGate {

    /** The request's deadline (a {@code Long}, absolute {@code System.nanoTime()}), set by the HTTP layer. */
    public static final String REQUEST_DEADLINE = "ballast.request-deadline";

    private final Pool pool;
    /** The heartbeat's breaker, which the primary's calls obey. */
    private final BooleanSupplier primaryAllowsCalls;
    private final CallsInFlight inFlight;
    private final long queryTimeoutNanos;
    private final Counter pastDeadline;
    private final Counter refused;

    DatabaseGate(Pool pool, Heartbeat heartbeat, CallsInFlight inFlight, MeterRegistry registry, DatabaseSettings settings) {
        this.pool = pool;
        this.primaryAllowsCalls = heartbeat::allowsCalls;
        this.inFlight = inFlight;
        this.queryTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(settings.queryTimeoutMs());
        this.pastDeadline = pastDeadline(registry);
        this.refused = registry.counter("ballast.db.calls.failed", "reason", "circuit-open");
    }

    static Counter pastDeadline(MeterRegistry registry) {
        return registry.counter("ballast.db.calls.failed", "reason", "deadline");
    }

    /** Runs work on a connection of its own, within the deadline; the connection goes back to the pool after. */
    public <T> Uni<T> withConnection(Function<SqlConnection, Uni<T>> work) {
        return gated(pool, primaryAllowsCalls, work, true);
    }

    /** Runs work on a connection of a read replica's pool, within the deadline, unless the replica is failing. */
    <T> Uni<T> withConnection(Replica replica, Function<SqlConnection, Uni<T>> work) {
        return gated(replica.pool(), replica::answering, work, true);
    }

    /**
     * Runs long work on one connection held throughout, with no deadline of the gate's: a job of many short
     * statements, each bounded by Postgres ({@code statement_timeout}, {@code lock_timeout}). The breaker still
     * refuses it, and fails it when it opens.
     */
    public <T> Uni<T> withHeldConnection(Function<SqlConnection, Uni<T>> work) {
        return gated(pool, primaryAllowsCalls, work, false);
    }

    /** Runs work in one transaction, within one deadline: committed when it succeeds, rolled back when it fails. */
    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return withConnection(connection -> connection.begin().chain(transaction -> work.apply(connection)
                .call(transaction::commit)
                .onFailure().call(failure -> transaction.rollback().onFailure().recoverWithNull())));
    }

    private <T> Uni<T> gated(Pool target, BooleanSupplier allowsCalls, Function<SqlConnection, Uni<T>> work,
                             boolean withDeadline) {
        return Uni.createFrom().emitter(emitter -> {
            if (!allowsCalls.getAsBoolean()) {
                refused.increment();
                emitter.fail(new DatabaseUnavailableException("database is not answering (circuit breaker open)"));
                return;
            }
            long deadline = withDeadline ? deadline() : GatedCall.NO_DEADLINE;
            if (withDeadline && deadline - System.nanoTime() <= 0) {
                pastDeadline.increment();
                emitter.fail(new DatabaseUnavailableException("request deadline passed before the database call"));
                return;
            }
            new GatedCall<>(emitter, work, deadline, inFlight, target).start();
        });
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
}

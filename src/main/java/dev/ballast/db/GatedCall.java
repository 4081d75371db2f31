package dev.ballast.db;

import dev.ballast.internals.VertxInternals;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One call through the gate: takes a connection from the pool, runs the work on it, and is settled exactly
 * once, by the work's outcome, its deadline or the breaker, whichever comes first. Settled by the work, it
 * hands the connection back to the pool; aborted, it closes the connection's socket (a statement may still be
 * running on it) and fails on the caller's context.
 */
final class GatedCall<T> {

    /** The deadline of a call that may hold its connection as long as its work takes. */
    static final long NO_DEADLINE = Long.MIN_VALUE;

    private final UniEmitter<? super T> emitter;
    private final Function<SqlConnection, Uni<T>> work;
    private final long deadline;
    private final CallsInFlight inFlight;
    private final Pool pool;
    private final Context context = Vertx.currentContext();
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile io.vertx.sqlclient.SqlConnection connection;

    GatedCall(UniEmitter<? super T> emitter, Function<SqlConnection, Uni<T>> work, long deadline, CallsInFlight inFlight,
              Pool pool) {
        this.emitter = emitter;
        this.work = work;
        this.deadline = deadline;
        this.inFlight = inFlight;
        this.pool = pool;
    }

    /** Whether the call takes its connection from this pool. */
    boolean isOn(Pool other) {
        return pool.getDelegate() == other.getDelegate();
    }

    /** Whether the call's deadline (an absolute {@link System#nanoTime()}, if it has one) has passed. */
    boolean isPastDeadline(long now) {
        return deadline != NO_DEADLINE && now - deadline >= 0;
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
            VertxInternals.VERTX.closeSocket(held);
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

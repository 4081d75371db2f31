package dev.ballast.db;

import io.smallrye.faulttolerance.api.Guard;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Row;

/**
 * One streaming replica reads may go to: its pool, its read bulkhead, and what its last check said. A check asks it,
 * on a connection of its own outside the pool, whether it is still in recovery and how far it has replayed the
 * primary's WAL. A check that fails or does not answer within the check timeout marks it failing: the gate refuses
 * new calls on it and the calls on it are failed at once ({@link CallsInFlight}), so that their reads go to the
 * primary; the next check that answers clears it. A server no longer in recovery (promoted, or not a standby at all)
 * answers but is not used.
 */
final class Replica {

    /** WAL positions are read as bytes from the start of the WAL: comparable numbers. */
    static final String CHECK = "select pg_is_in_recovery() as recovering, "
            + "(pg_last_wal_replay_lsn() - '0/0')::bigint as replayed";
    static final String APPLICATION_NAME = "ballast-replica-check";

    private final String name;
    private final int poolMax;
    private final Pool pool;
    private final Guard reads;
    private volatile boolean answering;
    private volatile boolean recovering;
    private volatile long replayed = -1;
    // Touched only on the checks' timer's event loop.
    private final ProbeConnection probe;
    private boolean checking;
    private boolean reportedUsable;

    Replica(String name, int poolMax, Pool pool, Guard reads, PgConnectOptions server, Vertx vertx,
            DedicatedConnections connections) {
        this.name = name;
        this.poolMax = poolMax;
        this.pool = pool;
        this.reads = reads;
        PgConnectOptions checkOptions = BoundedPoolCreator.named(server, APPLICATION_NAME);
        this.probe = new ProbeConnection(vertx, () -> connections.open(checkOptions), "replica check");
    }

    /** host:port, as it is named in the logs and in the metrics' {@code replica} tag. */
    String name() {
        return name;
    }

    int poolMax() {
        return poolMax;
    }

    Pool pool() {
        return pool;
    }

    Guard reads() {
        return reads;
    }

    /** Whether its last check answered: the gate lets calls through. */
    boolean answering() {
        return answering;
    }

    /** Whether its last check answered and it is a standby: reads may go there if it is not too far behind. */
    boolean serving() {
        return answering && recovering;
    }

    /** The WAL position it had replayed at its last check (-1 before the first). */
    long replayed() {
        return replayed;
    }

    /** Whether the replica was usable as last reported (logged), to report only changes. */
    boolean reportUsable(boolean usable) {
        boolean changed = usable != reportedUsable;
        reportedUsable = usable;
        return changed;
    }

    /**
     * Checks the replica once (unless the previous check is still running) and calls {@code done} on the check's
     * outcome: null when it answered, else why not.
     */
    void check(long timeoutMillis, java.util.function.Consumer<Throwable> done) {
        if (checking) {
            return;
        }
        checking = true;
        probe.firstRow(CHECK, timeoutMillis).onComplete(result -> {
            checking = false;
            if (result.succeeded()) {
                Row row = result.result();
                recovering = Boolean.TRUE.equals(row.getBoolean("recovering"));
                Long position = row.getLong("replayed");
                replayed = position == null ? -1 : position;
                answering = true;
                done.accept(null);
            } else {
                answering = false;
                done.accept(result.cause());
            }
        });
    }

    /** At shutdown: its check connection and its pool. */
    void close() {
        probe.close();
        pool.closeAndForget();
    }
}

package dev.ballast.db;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/**
 * How the service uses Postgres: the pool's bounds, the deadlines and the heartbeat, the batched writes; see
 * {@code ballast.db.*} in application.properties (the pool's size itself is Quarkus' own
 * {@code quarkus.datasource.reactive.max-size}).
 */
@ConfigMapping(prefix = "ballast.db")
public interface DatabaseSettings {

    /** Requests that may wait for a pooled connection at once; past it they fail at once (503). */
    int waitQueueMax();

    /**
     * How long, in milliseconds, a request may wait for a pooled connection (and a new connection may take to
     * open), and a database call may wait in its bulkhead's queue.
     */
    int acquireTimeoutMs();

    /** Connections kept open even when idle ({@link PoolWarmer}). */
    int poolMin();

    /**
     * How often the idle connections kept open are touched; read by {@link PoolWarmer}'s schedule, whose
     * annotation names the property itself.
     */
    Duration poolWarmInterval();

    /**
     * Connections Postgres must keep free for migrations, administration and monitoring: the start-up check of
     * the connection budget warns when this replica's would leave fewer ({@link ConnectionBudget}).
     */
    int reservedConnections();

    /** How the frequent one-statement writes that arrive together are run together ({@link WriteBatches}). */
    WriteBatchSettings writeBatch();

    /** Statements slower than this are logged with their name, duration and row count, and counted. */
    Duration slowQuery();

    /**
     * The client-side deadline of every statement and transaction, in milliseconds (never past the request's
     * own): past it the call fails (503) and its connection is closed ({@link DatabaseGate}).
     */
    long queryTimeoutMs();

    /** How often, in milliseconds, the calls in flight are checked against their deadlines ({@link CallsInFlight}). */
    long deadlineSweepMs();

    /** The heartbeat that opens the database circuit breaker when Postgres stops answering ({@link Heartbeat}). */
    HeartbeatSettings heartbeat();

    /** The batches of one batched statement. */
    interface WriteBatchSettings {

        /** Calls run together in one round trip and one commit, at most; 1 runs each call alone. */
        int maxSize();

        /** Batches of one statement running at once; the next calls wait for one to end. */
        int concurrency();

        /** Calls of one statement that may wait for a batch; past it they fail at once (503). */
        int queue();
    }

    /** The heartbeat's pace and patience. */
    interface HeartbeatSettings {

        /** Milliseconds between two heartbeats ({@code select 1} on a connection of its own). */
        long intervalMs();

        /** Milliseconds a heartbeat may take before it counts as failed. */
        long timeoutMs();

        /** Failed heartbeats in a row that open the circuit breaker. */
        int failures();
    }
}

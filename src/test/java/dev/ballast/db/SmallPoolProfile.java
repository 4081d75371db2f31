package dev.ballast.db;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * One application start for the tests of the database's bounds ({@code PoolLimitsTest}, {@code DatabaseSaturationTest},
 * {@code DatabaseBulkheadsTest}): a pool of two connections, so one read at a time in the read bulkhead and one write
 * in the write bulkhead; at most two requests waiting for a connection, none longer than 500 ms; no warm connections
 * nor pool warming (their touches would take the connections the tests hold). The fault tolerance metrics are off:
 * {@code DatabaseBulkheadsTest} builds bulkheads of its own with the application's names, whose metrics would be
 * registered a second time (Micrometer warns); it counts rejections in a registry of its own.
 */
public class SmallPoolProfile implements QuarkusTestProfile {

    /** The pool's connections. */
    static final int POOL_SIZE = 2;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.datasource.reactive.max-size", Integer.toString(POOL_SIZE),
                "ballast.db.pool-min", "0",
                "ballast.db.pool-warm-interval", "3600s",
                "ballast.db.wait-queue-max", "2",
                "ballast.db.acquire-timeout-ms", "500",
                "quarkus.fault-tolerance.metrics.enabled", "false");
    }
}

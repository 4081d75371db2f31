package dev.ballast;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * One application start for the tests of the database's bounds and of the caches' edges: each test relies on the
 * values named for it, and none of them on the others' (which change nothing it asserts).
 * <ul>
 *   <li>A pool of {@value #POOL_SIZE} connections, so one read at a time in the read bulkhead and one write in the
 *       write bulkhead; at most two requests waiting for a connection, none longer than 500 ms; no warm connections
 *       nor pool warming (their touches would take the connections the tests hold): {@code db.PoolLimitsTest},
 *       {@code db.DatabaseSaturationTest}. The fault tolerance metrics are off: {@code db.DatabaseBulkheadsTest}
 *       builds bulkheads of its own with the application's names, whose metrics would be registered a second time
 *       (Micrometer warns); it counts rejections in a registry of its own.</li>
 *   <li>A notice channel Postgres refuses, so every cache notice fails to go out: {@code cache.CacheNoticeFailureTest}.
 *       The sender counts such a notice as failed without touching the database (the notice connection is outside
 *       the pool either way), and the database tests write nothing.</li>
 *   <li>A cap of two ids on a viewer's cached flags: {@code viewer.ViewerFlagsOverCapTest}. No other test here has a
 *       viewer with flags.</li>
 * </ul>
 * The cache tests make one request at a time, which the small pool serves as any other. On purpose, the refused
 * channel is warned about at start-up (in the first class of this start, {@code cache.CacheNoticeFailureTest}: the
 * classes of one start run in name order) and the failed notices of the cache tests' writes are logged, at most once
 * every 10 s (.ci/allowed-warnings).
 */
public class SmallPoolAndCacheLimitsProfile implements QuarkusTestProfile {

    /** The pool's connections. */
    public static final int POOL_SIZE = 2;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.datasource.reactive.max-size", Integer.toString(POOL_SIZE),
                "ballast.db.pool-min", "0",
                "ballast.db.pool-warm-interval", "3600s",
                "ballast.db.wait-queue-max", "2",
                "ballast.db.acquire-timeout-ms", "500",
                "quarkus.fault-tolerance.metrics.enabled", "false",
                // pg_notify refuses a channel name longer than 63 bytes ("channel name too long").
                "ballast.cache.notify.channel", "c".repeat(64),
                "ballast.cache.viewer-flags-ids-max", "2");
    }
}

package dev.ballast.db;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Each replica checks at start-up that its connections fit in what Postgres allows: {@code max_connections}
 * less {@code superuser_reserved_connections} less {@code DB_RESERVED_CONNECTIONS} (migrations,
 * administration), counting the connections other clients hold now. A replica's connections are its full
 * pool plus its own two outside the pool: the heartbeat's and the cache notice listener's (unless
 * {@code CACHE_NOTIFY=false}). When they would go past it, it logs a warning;
 * {@code ballast_db_connection_headroom} says by how much either way. The connections in use are counted
 * less this replica's pool as it is now; its heartbeat and listener, if already open, count among the
 * others' as well, so the figure errs by at most two on the safe side. Each read replica ({@code READ_DATABASE_URL})
 * is checked the same way, against its own {@code max_connections}: its pool, and its check's connection outside it.
 * The gauge's {@code database} tag names the database: {@code primary}, or the read replica's host:port.
 */
@ApplicationScoped
class ConnectionBudget {

    private static final Logger LOG = Logger.getLogger(ConnectionBudget.class);
    private static final String READ_BUDGET = """
            select current_setting('max_connections')::int as max_connections,
                   current_setting('superuser_reserved_connections')::int as superuser_reserved,
                   (select count(*) from pg_stat_activity where backend_type = 'client backend')::int as in_use""";

    private static final Duration START_RETRY_DELAY = Duration.ofSeconds(1);
    private static final int START_ATTEMPTS = 3;

    private final Pool pool;
    private final DatabaseGate gate;
    private final Replicas replicas;
    private final MeterRegistry registry;
    private final int poolMax;
    private final int outsidePool;
    private final int reserved;
    private final AtomicInteger headroom = new AtomicInteger();

    ConnectionBudget(Pool pool, DatabaseGate gate, Replicas replicas, MeterRegistry registry,
                     @ConfigProperty(name = "quarkus.datasource.reactive.max-size") int poolMax,
                     DatabaseSettings settings,
                     // cache's setting (cache.CacheSettings), read by its name: db is a floor below cache
                     @ConfigProperty(name = "ballast.cache.notify.enabled") boolean cacheNotices) {
        this.pool = pool;
        this.gate = gate;
        this.replicas = replicas;
        this.registry = registry;
        this.poolMax = poolMax;
        this.outsidePool = outsidePool(cacheNotices);
        this.reserved = settings.reservedConnections();
        register("primary", headroom);
    }

    private void register(String database, AtomicInteger value) {
        Gauge.builder("ballast.db.connection.headroom", value, AtomicInteger::get)
                .description("Connections a database would still allow if this replica's pool there were full, with its "
                        + "connections outside the pool (negative: over budget)")
                .tag("database", database)
                .register(registry);
    }

    void check(@Observes StartupEvent event) {
        check("the primary", gate.withConnection(connection -> connection.query(READ_BUDGET).execute()),
                pool, poolMax, outsidePool, headroom);
        for (Replica replica : replicas.all()) {
            AtomicInteger replicaHeadroom = new AtomicInteger();
            register(replica.name(), replicaHeadroom);
            check("read replica " + replica.name(),
                    gate.withConnection(replica, connection -> connection.query(READ_BUDGET).execute()),
                    replica.pool(), replica.poolMax(), 1, replicaHeadroom);
        }
    }

    private void check(String database, Uni<RowSet<Row>> budget, Pool pool, int poolMax, int outsidePool,
                       AtomicInteger headroom) {
        // A database slow to hand out its first connections (a replica starting on a busy machine) is asked again; a
        // read replica is refused by the gate until its first check has answered.
        budget.onFailure(DatabaseFailures::isUnavailable).retry().withBackOff(START_RETRY_DELAY).atMost(START_ATTEMPTS - 1)
                .subscribe().with(rows -> judge(database, rows.iterator().next(), pool, poolMax, outsidePool, headroom),
                        failure -> LOG.warnf("Could not read the connection budget of %s: %s", database, failure.getMessage()));
    }

    private void judge(String database, Row row, Pool pool, int poolMax, int outsidePool, AtomicInteger headroom) {
        int allowed = row.getInteger("max_connections") - row.getInteger("superuser_reserved") - reserved;
        // This replica holds one connection for the check itself (and maybe warm ones): count them as its own.
        int others = Math.max(0, row.getInteger("in_use") - pool.size());
        int mine = poolMax + outsidePool;
        headroom.set(allowed - others - mine);
        if (headroom.get() < 0) {
            LOG.warnf("Connection budget of %s exceeded: this replica's pool of %d and %d connections outside it "
                    + "(heartbeat, cache listener, replica check) plus the %d connections other clients hold would need %d "
                    + "of the %d Postgres allows (max_connections %d, minus %d superuser-reserved, minus %d reserved for "
                    + "migrations and administration). Lower DB_POOL_MAX (READ_DB_POOL_MAX), run fewer replicas, raise "
                    + "max_connections or put PgBouncer in front.", database, poolMax, outsidePool, others, others + mine,
                    allowed, row.getInteger("max_connections"), row.getInteger("superuser_reserved"), reserved);
        } else {
            LOG.infof("Connection budget of %s: pool of %d and %d outside it, %d held by other clients, %d allowed: %d to "
                    + "spare", database, poolMax, outsidePool, others, allowed, headroom.get());
        }
    }

    /** A replica's connections outside its pool: the heartbeat's, and the cache notice listener's when on. */
    static int outsidePool(boolean cacheNotices) {
        return 1 + (cacheNotices ? 1 : 0);
    }

    int headroom() {
        return headroom.get();
    }
}

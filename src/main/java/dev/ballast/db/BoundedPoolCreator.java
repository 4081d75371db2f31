package dev.ballast.db;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/**
 * Bounds what Quarkus 3.33 leaves open: by default Vert.x lets requests wait for a connection in an
 * unbounded queue for 30 s. Here at most {@code DB_POOL_QUEUE_MAX} wait, none longer than
 * {@code DB_CONNECT_TIMEOUT_MS}; beyond that the client gets a 503 at once (see {@code DatabaseFailures}).
 * Connections use TCP keepalive, and every statement is prepared once per connection, however long.
 */
@Singleton
public class BoundedPoolCreator implements PgPoolCreator {

    private static final int KEEPALIVE_IDLE_SECONDS = 10;
    private static final int KEEPALIVE_INTERVAL_SECONDS = 5;
    private static final int KEEPALIVE_PROBES = 3;
    /**
     * The longest SQL a connection keeps prepared. Vert.x keeps only statements up to 2,048 characters; a
     * write is one statement of its CTEs (restore, write, answer, notice) and runs to several times that, so
     * with that default each write would be parsed and planned again on every call.
     */
    static final int PREPARED_SQL_LIMIT = 65_536;

    private final int waitQueueMax;
    private final int acquireTimeoutMillis;
    private final Instance<io.vertx.mutiny.sqlclient.Pool> pool;
    private volatile PgConnectOptions firstServerOptions;

    BoundedPoolCreator(DatabaseSettings settings, Instance<io.vertx.mutiny.sqlclient.Pool> pool) {
        this.waitQueueMax = settings.waitQueueMax();
        this.acquireTimeoutMillis = settings.acquireTimeoutMs();
        this.pool = pool;
    }

    @Override
    public Pool create(Input input) {
        PoolOptions options = input.poolOptions()
                .setMaxWaitQueueSize(waitQueueMax)
                .setConnectionTimeout(acquireTimeoutMillis)
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        List<SqlConnectOptions> servers = new ArrayList<>();
        for (PgConnectOptions server : input.pgConnectOptionsList()) {
            // Keepalive: a peer that vanished (host down, network cut) is noticed on idle connections too.
            server.setConnectTimeout(acquireTimeoutMillis).setTcpKeepAlive(true);
            server.setPreparedStatementCacheSqlLimit(PREPARED_SQL_LIMIT);
            server.setTcpKeepAliveIdleSeconds(KEEPALIVE_IDLE_SECONDS)
                    .setTcpKeepAliveIntervalSeconds(KEEPALIVE_INTERVAL_SECONDS)
                    .setTcpKeepAliveCount(KEEPALIVE_PROBES);
            servers.add(server);
        }
        firstServerOptions = new PgConnectOptions(input.pgConnectOptionsList().get(0));
        return PgBuilder.pool()
                .with(options)
                .connectingTo(servers)
                .using(input.vertx())
                .build();
    }

    /**
     * The first server's connect options, for a connection of its own outside the pool (the heartbeat's).
     * Quarkus hands the connect options over only when it builds the pool, through {@link #create(Input)}: the
     * pool is built here first if nothing has used it yet.
     */
    PgConnectOptions firstServerOptions() {
        if (firstServerOptions == null) {
            pool.get().size(); // the pool bean is built on its first use
        }
        return firstServerOptions;
    }

    /**
     * A copy of the first server's connect options (connect timeout, TCP keepalive, {@code statement_timeout}),
     * for a long-lived connection of its own outside the pool, named {@code applicationName} in
     * {@code pg_stat_activity}.
     */
    public PgConnectOptions dedicatedConnectionOptions(String applicationName) {
        PgConnectOptions options = new PgConnectOptions(firstServerOptions());
        Map<String, String> properties = new HashMap<>(options.getProperties());
        properties.put("application_name", applicationName);
        return options.setProperties(properties);
    }
}

package dev.ballast.db;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.enterprise.inject.Instance;
import java.net.URI;
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
 * Connections use TCP keepalive, and every statement is prepared once per connection, however long. The pools of the
 * read replicas ({@link Replicas}) are built here too, with the same bounds and connection options.
 */
@Singleton
public class BoundedPoolCreator implements PgPoolCreator {

    private static final int KEEPALIVE_IDLE_SECONDS = 10;
    private static final int KEEPALIVE_INTERVAL_SECONDS = 5;
    private static final int KEEPALIVE_PROBES = 3;
    /**
     * The longest SQL a connection keeps prepared. Vert.x keeps only statements up to 2,048 characters; a
     * write is one statement of several CTEs and may run past that, and with that default such a write would be
     * parsed and planned again on every call.
     */
    static final int PREPARED_SQL_LIMIT = 65_536;

    private final int waitQueueMax;
    private final int acquireTimeoutMillis;
    private final Instance<io.vertx.mutiny.sqlclient.Pool> pool;
    private final DirectConnectionConfig direct;
    private volatile PgConnectOptions firstServerOptions;
    private volatile PoolOptions poolOptions;
    private volatile io.vertx.core.Vertx vertx;

    BoundedPoolCreator(DatabaseSettings settings, Instance<io.vertx.mutiny.sqlclient.Pool> pool, DirectConnectionConfig direct) {
        this.waitQueueMax = settings.waitQueueMax();
        this.acquireTimeoutMillis = settings.acquireTimeoutMs();
        this.pool = pool;
        this.direct = direct;
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
        poolOptions = new PoolOptions(options);
        vertx = input.vertx();
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
        PgConnectOptions options = direct.url().map(this::serverAt).orElseGet(() -> new PgConnectOptions(firstServerOptions()));
        return named(options, applicationName);
    }

    /** The options of a connection of its own outside any pool, named {@code applicationName} in {@code pg_stat_activity}. */
    static PgConnectOptions named(PgConnectOptions options, String applicationName) {
        Map<String, String> properties = new HashMap<>(options.getProperties());
        properties.put("application_name", applicationName);
        return new PgConnectOptions(options).setProperties(properties);
    }

    /**
     * The first server's connect options (timeouts, keepalive, {@code statement_timeout}, user and password) for
     * another server: the host, port and database of {@code url}, and its user and password if it names them.
     */
    PgConnectOptions serverAt(String url) {
        PgConnectOptions other = PgConnectOptions.fromUri(url.strip());
        PgConnectOptions options = new PgConnectOptions(firstServerOptions())
                .setHost(other.getHost()).setPort(other.getPort()).setDatabase(other.getDatabase());
        if (URI.create(url.strip()).getRawUserInfo() != null) {
            options.setUser(other.getUser()).setPassword(other.getPassword());
        }
        return options;
    }

    /** A pool of {@code maxSize} connections to one replica, bounded as the primary's is; {@code name} tags its metrics. */
    io.vertx.mutiny.sqlclient.Pool replicaPool(PgConnectOptions server, int maxSize, String name) {
        firstServerOptions();
        return io.vertx.mutiny.sqlclient.Pool.newInstance(PgBuilder.pool()
                .with(new PoolOptions(poolOptions).setMaxSize(maxSize).setName(name))
                .connectingTo(server)
                .using(vertx)
                .build());
    }
}

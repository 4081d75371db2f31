package dev.ballast.db;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import java.util.ArrayList;
import java.util.List;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Bounds what Quarkus 3.33 leaves open: by default Vert.x lets requests wait for a connection in an
 * unbounded queue for 30 s. Here at most {@code DB_POOL_QUEUE_MAX} wait, none longer than
 * {@code DB_CONNECT_TIMEOUT_MS}; beyond that the client gets a 503 at once (see {@code DatabaseFailures}).
 */
@Singleton
public class BoundedPoolCreator implements PgPoolCreator {

    private final int waitQueueMax;
    private final int acquireTimeoutMillis;

    BoundedPoolCreator(@ConfigProperty(name = "ballast.db.wait-queue-max") int waitQueueMax,
                       @ConfigProperty(name = "ballast.db.acquire-timeout-ms") int acquireTimeoutMillis) {
        this.waitQueueMax = waitQueueMax;
        this.acquireTimeoutMillis = acquireTimeoutMillis;
    }

    @Override
    public Pool create(Input input) {
        PoolOptions options = input.poolOptions()
                .setMaxWaitQueueSize(waitQueueMax)
                .setConnectionTimeout(acquireTimeoutMillis)
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        List<SqlConnectOptions> servers = new ArrayList<>();
        for (PgConnectOptions server : input.pgConnectOptionsList()) {
            servers.add(server.setConnectTimeout(acquireTimeoutMillis));
        }
        return PgBuilder.pool()
                .with(options)
                .connectingTo(servers)
                .using(input.vertx())
                .build();
    }
}

package dev.ballast.db;

import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.spi.ConnectionFactory;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Opens the connections kept outside the pool (the heartbeat's, the cache notice listener's), all through one
 * connection factory, closed at shutdown after their owners have stopped. {@code PgConnection.connect} would
 * build a factory (with its socket client) per attempt and close it only with its connection: after a failed
 * attempt (a database down or restarting) nothing closes it but the garbage collector, which, once Vert.x
 * has stopped, logs "Failed to submit a listener notification task" (Vert.x 4.5). The same happens when the
 * factory's own close ends after Vert.x has stopped its event loops, so shutdown waits for it (briefly).
 */
@ApplicationScoped
public class DedicatedConnections {

    private static final Logger LOG = Logger.getLogger(DedicatedConnections.class);
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final Vertx vertx;
    private ConnectionFactory factory;
    private boolean closed;

    DedicatedConnections(Vertx vertx) {
        this.vertx = vertx;
    }

    /** A new connection with these options (from {@link BoundedPoolCreator}), outside the pool. */
    public Future<PgConnection> open(PgConnectOptions options) {
        ConnectionFactory connections;
        synchronized (this) {
            if (closed) {
                return Future.failedFuture(new DatabaseUnavailableException("shutting down"));
            }
            if (factory == null) {
                factory = PgDriver.INSTANCE.createConnectionFactory(vertx, options);
            }
            connections = factory;
        }
        return connections.connect(vertx.getOrCreateContext(), options).map(PgConnection.class::cast);
    }

    /** Last of the shutdown observers: the heartbeat and the listener have stopped using it. */
    void stop(@Observes @Priority(Integer.MAX_VALUE) ShutdownEvent event) {
        ConnectionFactory open;
        synchronized (this) {
            closed = true;
            open = factory;
        }
        if (open == null) {
            return;
        }
        Promise<Void> done = Promise.promise();
        open.close(done);
        try {
            // On the shutdown thread, never an event loop: the loops are still running and close the sockets.
            done.future().toCompletionStage().toCompletableFuture().get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.infof("Dedicated database connections not closed within %d s at shutdown: %s", CLOSE_WAIT_SECONDS, e);
        }
    }
}

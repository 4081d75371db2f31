package dev.ballast.db;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Keeps {@code DB_POOL_MIN} connections open (the Vert.x pool has no minimum): they are opened at start-up
 * and touched again before the idle timeout would close them, so the first requests after a quiet spell
 * do not pay for new connections.
 */
@ApplicationScoped
class PoolWarmer {

    private static final Logger LOG = Logger.getLogger(PoolWarmer.class);

    private final DatabaseGate gate;
    private final int minimum;

    PoolWarmer(DatabaseGate gate, DatabaseSettings settings) {
        this.gate = gate;
        this.minimum = settings.poolMin();
    }

    void onStart(@Observes StartupEvent event) {
        warm().subscribe().with(
                opened -> LOG.infof("Opened %d warm database connections", opened),
                failure -> LOG.warnf("Could not open the warm database connections: %s", failure.getMessage()));
    }

    @Scheduled(every = "${ballast.db.pool-warm-interval}", delayed = "${ballast.db.pool-warm-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> keepWarm() {
        return warm().onFailure().recoverWithItem(0).replaceWithVoid();
    }

    /**
     * Runs a trivial query on {@code minimum} connections at once, so the pool opens (or keeps) that many;
     * through the gate, so that a database that stopped answering does not hold them.
     */
    Uni<Integer> warm() {
        List<Uni<Integer>> touches = new ArrayList<>(minimum);
        for (int i = 0; i < minimum; i++) {
            touches.add(gate.withConnection(connection -> connection.query("select 1").execute()).replaceWith(1));
        }
        return touches.isEmpty()
                ? Uni.createFrom().item(0)
                : Uni.join().all(touches).andCollectFailures().map(List::size);
    }
}

package dev.ballast.db;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * A replica whose pool could not fit in the database's max_connections says so at start-up: the check of a
 * pool of 250 against the test database, which allows 200 (no application start of its own). It logs a WARN on purpose.
 */
@QuarkusTest
class ConnectionBudgetCheckTest {

    @Inject
    Pool pool;

    @Inject
    DatabaseGate gate;

    @Inject
    DatabaseSettings settings;

    @Inject
    Replicas replicas;

    @Test
    void theHeadroomGoesNegative() throws InterruptedException {
        ConnectionBudget budget = new ConnectionBudget(pool, gate, replicas, new SimpleMeterRegistry(), 250, settings, true);
        budget.check(null);
        for (int attempt = 0; attempt < 100 && budget.headroom() == 0; attempt++) {
            Thread.sleep(100);
        }
        // 200 allowed - 3 superuser-reserved - 10 reserved (DB_RESERVED_CONNECTIONS) - 250 pool - 2 outside it (heartbeat, cache listener)
        // - connections of others < 0
        assertTrue(budget.headroom() <= -65, "headroom " + budget.headroom());
    }
}

package dev.ballast;

import dev.ballast.db.EmbeddedDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/** A throw-away embedded Postgres for every test (and for the packaged jar in integration tests). */
public class EmbeddedPostgresResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(EmbeddedDatabase.start(null));
        // The packaged jar of the integration tests runs the prod profile, whose slow-query line (over 100 ms) a
        // loaded test machine prints at random; the test profile's threshold, as for the in-JVM tests.
        config.put("ballast.db.slow-query", "4s");
        return config;
    }

    @Override
    public void stop() {
        // The server stops with the JVM (EmbeddedPostgres registers a shutdown hook).
    }
}

package dev.ballast;

import dev.ballast.db.EmbeddedDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** A throw-away embedded Postgres for every test (and for the packaged jar in integration tests). */
public class EmbeddedPostgresResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return EmbeddedDatabase.start(null);
    }

    @Override
    public void stop() {
        // The server stops with the JVM (EmbeddedPostgres registers a shutdown hook).
    }
}

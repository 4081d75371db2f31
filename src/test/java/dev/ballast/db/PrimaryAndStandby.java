package dev.ballast.db;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A throw-away embedded Postgres and a streaming standby of it ({@link StreamingStandby}), for the tests of read
 * replicas alone: the service's primary is the first, its read replica ({@code READ_DATABASE_URL}) the second.
 */
public class PrimaryAndStandby implements QuarkusTestResourceLifecycleManager {

    static EmbeddedPostgres primary;
    static StreamingStandby standby;

    @Override
    public Map<String, String> start() {
        try {
            primary = EmbeddedDatabase.builder(null).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        standby = StreamingStandby.of(primary.getPort());
        Map<String, String> config = new HashMap<>(EmbeddedDatabase.datasource(primary));
        config.put("ballast.read-db.url", standby.url());
        return config;
    }

    @Override
    public void stop() {
        standby.close();
        try {
            primary.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

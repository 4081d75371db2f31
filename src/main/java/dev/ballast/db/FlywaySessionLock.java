package dev.ballast.db;

import io.quarkus.flyway.FlywayConfigurationCustomizer;
import jakarta.inject.Singleton;
import java.util.Map;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Flyway on Postgres holds its migration lock in an open transaction by default; {@code create index
 * concurrently} waits for every open transaction to end, so it would wait on Flyway itself (until our
 * lock_timeout ends it). A session-level advisory lock serializes replicas just as well without a
 * transaction. See github.com/flyway/flyway/issues/3508.
 */
@Singleton
public class FlywaySessionLock implements FlywayConfigurationCustomizer {

    @Override
    public void customize(FluentConfiguration configuration) {
        configuration.configuration(Map.of("flyway.postgresql.transactional.lock", "false"));
    }
}

package dev.ballast.db;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the database answers: a pooled connection runs {@code select 1} within the acquire timeout
 * plus half a second (under the 2 s probe timeout of the manifests).
 *
 * <p>This replaces Quarkus' own datasource checks ({@code quarkus.datasource.health.enabled=false}). Its reactive
 * one queries through {@code Pool.query()}, where Vert.x 4.5 leaves the acquire timer armed when a connection
 * attempt fails: the timer then fails the already failed result again, and every probe while the database is down
 * logged "Uncaught exception received by Vert.x: IllegalStateException: Result is already complete"
 * (https://github.com/eclipse-vertx/vertx-sql-client/issues/1706). {@code withConnection} takes the pool's other
 * path, which cancels its timer; the rest of the service uses it too. The JDBC check went with it: JDBC is only
 * Flyway's, at start-up.
 */
@Readiness
@ApplicationScoped
class DatabaseReadiness implements AsyncHealthCheck {

    static final String NAME = "Database";

    private final Pool pool;
    private final Duration deadline;

    DatabaseReadiness(Pool pool, @ConfigProperty(name = "ballast.db.acquire-timeout-ms") int acquireTimeoutMillis) {
        this.pool = pool;
        this.deadline = Duration.ofMillis(acquireTimeoutMillis + 500L);
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.withConnection(connection -> connection.query("select 1").execute())
                .ifNoItem().after(deadline).fail()
                .map(rows -> HealthCheckResponse.up(NAME))
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("error", String.valueOf(failure.getMessage())).build());
    }
}

package dev.ballast.health;

import dev.ballast.db.Heartbeat;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the database answers the heartbeat. It reads the heartbeat's state instead of querying (the
 * built-in reactive check, turned off, could hang as long as the database does): the probe always answers
 * at once, and DOWN within {@code DB_HEARTBEAT_FAILURES} heartbeat deadlines of the database stopping.
 */
@Readiness
@ApplicationScoped
class DatabaseReadiness implements HealthCheck {

    private final Heartbeat heartbeat;

    DatabaseReadiness(Heartbeat heartbeat) {
        this.heartbeat = heartbeat;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("database").status(heartbeat.healthy()).build();
    }
}

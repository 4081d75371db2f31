package dev.ballast;

import static dev.ballast.PackagedService.freePort;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A free management port for the packaged service of an integration test: Quarkus passes the API's test port to the
 * jar it launches, but not a management port, so the jar would take the default (9000), which two test runs side by
 * side on one machine would share. The test JVM sees the port as a system property ({@link Management#port()}).
 */
public class ManagementPortResource implements QuarkusTestResourceLifecycleManager {

    static final String PROPERTY = "quarkus.management.port";

    @Override
    public Map<String, String> start() {
        return Map.of(PROPERTY, Integer.toString(freePort()));
    }

    @Override
    public void stop() {
    }
}

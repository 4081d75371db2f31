package dev.ballast;

import dev.ballast.db.ProxiedPostgres;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.restassured.RestAssured;
import io.restassured.config.ConnectionConfig;
import io.restassured.config.RestAssuredConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * One application start for the tests of a database that fails under the service and for the edge protections: each
 * test relies on the values named for it, and the others' change nothing it asserts.
 * <ul>
 *   <li>A Postgres of the tests' own behind a fault proxy ({@link ProxiedPostgres}, instead of the tests' shared one)
 *       and a client-side statement deadline of {@value #QUERY_TIMEOUT_MS} ms, so that a hung database is cut off
 *       soon: {@code db.DatabaseFaultsTest}, and {@code health.HealthTest}, which stops that Postgres (and starts it
 *       again, and waits until readiness is UP, before the next class).</li>
 *   <li>Small edge limits, so that a few sockets reach them: an admission limit of 2 requests in flight, a 300 ms
 *       queue timeout, a 5 s request deadline, 2 s to send the headers and 3 s the body, 4 connections per address,
 *       one hash of the hashing share every 100 s, and every reader counted as one that waited for the CPU (a test
 *       makes readers need the CPU at once, on any machine, by sending one): {@code protection.EdgeProtectionTest}.</li>
 * </ul>
 * Why they share a start: the database tests send one request at a time from one address, whole (far from the
 * admission limit and the header and body deadlines), each on a connection closed after its answer
 * ({@link ClosingEachConnection}: RestAssured would leave every request's connection open, and past 4 of them the
 * cap would close the next at once); their bounds (about 2 s) come before the request deadline; where they wait for
 * a 404 they poll for it, past a 503 that the 300 ms queue timeout (5 s in the other tests) may give on a loaded
 * machine; and the one password they hash ({@code DatabaseFaultsTest}'s registration) is served by the share's first
 * hash, which the edge tests take only after them (the classes of one start run in name order, {@code db} and
 * {@code health} before {@code protection}). The edge tests' statements are single lookups, far within the statement
 * deadline, on a database that is up again by then; their client holds its connections from an address of its own,
 * which no other class uses.
 */
public class ProxiedPostgresAndEdgeLimitsProfile implements QuarkusTestProfile {

    /** The client-side deadline of a statement: short, so that a hung database is cut off soon. */
    public static final long QUERY_TIMEOUT_MS = 1500;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("ballast.db.query-timeout-ms", Long.toString(QUERY_TIMEOUT_MS)),
                Map.entry("ballast.admission.initial-limit", "2"),
                Map.entry("ballast.admission.min-limit", "2"),
                Map.entry("ballast.admission.max-limit", "2"),
                Map.entry("ballast.admission.queue-timeout", "300ms"),
                Map.entry("ballast.connections.header-timeout", "2s"),
                Map.entry("ballast.connections.body-timeout", "3s"),
                Map.entry("ballast.connections.per-address-max", "4"),
                Map.entry("ballast.password.hashes-per-second", "0.01"),
                Map.entry("ballast.password.burst", "1"),
                Map.entry("ballast.password.contended-wait", "0ms"),
                Map.entry("ballast.admission.request-timeout", "5s"));
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(ProxiedPostgres.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    /**
     * For a class of this start that sends through RestAssured ({@code @ExtendWith}): each connection is closed once
     * its answer has been read, for the class's tests, so that its connections do not pile up against the cap of 4
     * per address; RestAssured's configuration is set back after them.
     */
    public static final class ClosingEachConnection implements BeforeAllCallback, AfterAllCallback {

        private static final Namespace NAMESPACE = Namespace.create(ClosingEachConnection.class);

        @Override
        public void beforeAll(ExtensionContext context) {
            context.getStore(NAMESPACE).put(RestAssuredConfig.class, RestAssured.config);
            RestAssured.config = RestAssured.config.connectionConfig(
                    ConnectionConfig.connectionConfig().closeIdleConnectionsAfterEachResponse());
        }

        @Override
        public void afterAll(ExtensionContext context) {
            RestAssured.config = context.getStore(NAMESPACE).get(RestAssuredConfig.class, RestAssuredConfig.class);
        }
    }
}

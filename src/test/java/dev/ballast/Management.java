package dev.ballast;

import static io.restassured.RestAssured.given;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.vertx.http.HttpServer;
import io.restassured.specification.RequestSpecification;

/**
 * The management interface of the service under test: health probes and metrics, on a port of their own, apart from
 * the API's (which RestAssured's default port reaches). Each test run's is a free port, so that test JVMs can run
 * side by side: the in-JVM application ({@code @QuarkusTest}) tells the one it listens on; the packaged service of an
 * integration test is given one by {@link ManagementPortResource}.
 */
public final class Management {

    private Management() {
    }

    /** A request to the management interface, as the kubelet or Prometheus would send it. */
    public static RequestSpecification operator() {
        return given().port(port());
    }

    public static int port() {
        ArcContainer container = Arc.container();
        if (container != null && container.isRunning()) {
            return container.instance(HttpServer.class).get().getManagementPort();
        }
        String given = System.getProperty(ManagementPortResource.PROPERTY);
        if (given == null) {
            throw new IllegalStateException("no management port: neither a running application nor " + ManagementPortResource.PROPERTY);
        }
        return Integer.parseInt(given);
    }
}

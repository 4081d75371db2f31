package dev.ballast.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.internals.InternalsCheck.Hook;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.http.HttpServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The start-up check of the hooks into Vert.x and Quarkus internals: each takes hold on this build, and each failure is
 * seen when a hook names what an upgrade could rename (a class, a handler, a message).
 */
@QuarkusTest
class InternalsCheckTest {

    private static final String GONE = "renamed.by.an.Upgrade";

    /** The provoked checks' own Vert.x: their servers and pools stay out of the service's metrics. */
    private static Vertx plain;

    @Inject
    Instance<Pool> pool;

    @Inject
    Instance<HttpServer> httpServer;

    @Inject
    MeterRegistry registry;

    @BeforeAll
    static void startVertx() {
        plain = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        plain.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void everyHookTookHoldAtStartUp() throws InterruptedException {
        for (Hook hook : Hook.values()) {
            assertEquals(1.0, gauge(registry, hook, 1.0), hook + " took hold");
        }
    }

    @Test
    void aPooledConnectionWhoseSocketCannotBeReachedFailsTheCheck() {
        MeterRegistry provoked = new SimpleMeterRegistry();
        InternalsCheck check = checkWith(new VertxInternals(GONE, GONE, "httpDecoder", "Timeout", "Connection is not active now"), provoked);
        quietly(() -> check.checkDatabaseHooks().toCompletionStage().toCompletableFuture().join());
        assertFalse(check.tookHold(Hook.SQL_SOCKET));
        assertTrue(check.tookHold(Hook.SQL_ACQUIRE_TIMEOUT));
        assertEquals(0.0, provoked.get("ballast.internals.hook.ok").tag("hook", "sql-socket").gauge().value());
    }

    @Test
    void failuresTheirMessagesNoLongerTellFailTheCheck() {
        InternalsCheck check = checkWith(new VertxInternals(SocketConnectionBase.class.getName(), GONE, "httpDecoder",
                "No timeout", "No closed connection"), new SimpleMeterRegistry());
        quietly(() -> check.checkDatabaseHooks().toCompletionStage().toCompletableFuture().join());
        assertTrue(check.tookHold(Hook.SQL_SOCKET));
        assertFalse(check.tookHold(Hook.SQL_CLOSED_CONNECTION));
        assertFalse(check.tookHold(Hook.SQL_ACQUIRE_TIMEOUT));
    }

    @Test
    void httpHooksThatDoNotReportFailTheCheck() {
        InternalsCheck check = checkWith(VertxInternals.VERTX, new SimpleMeterRegistry());
        // The connection limits report to the service's own check, not to this one: here nothing reports.
        quietly(() -> check.checkHttpHooks().toCompletionStage().toCompletableFuture().join());
        assertFalse(check.tookHold(Hook.HTTP_LISTENER));
        assertFalse(check.tookHold(Hook.HTTP_DECODER));
    }

    @Test
    void aServerConnectionOfAnotherClassOrDecoderNameIsNotReached() throws Exception {
        VertxInternals renamed = new VertxInternals(GONE, GONE, "renamedDecoder", "Timeout", "Connection is not active now");
        Reached reached = whileServing(connection -> new Reached(VertxInternals.VERTX.listeningChannel(connection).isPresent(),
                VertxInternals.VERTX.hasHttpDecoder(connection), renamed.listeningChannel(connection).isPresent(),
                renamed.hasHttpDecoder(connection)));
        assertTrue(reached.channel());
        assertTrue(reached.decoder());
        assertFalse(reached.channelRenamed());
        assertFalse(reached.decoderRenamed());
    }

    private record Reached(boolean channel, boolean decoder, boolean channelRenamed, boolean decoderRenamed) {
    }

    private InternalsCheck checkWith(VertxInternals internals, MeterRegistry meters) {
        return new InternalsCheck(internals, plain, pool, httpServer, meters);
    }

    /**
     * What {@code look} sees of the server side of one request to a plain Vert.x server, while the request is
     * open: once the connection closes, Netty empties its pipeline.
     */
    private <T> T whileServing(Function<HttpConnection, T> look) throws Exception {
        CompletableFuture<T> seen = new CompletableFuture<>();
        io.vertx.core.http.HttpServer server = plain.createHttpServer().requestHandler(request -> {
            seen.complete(look.apply(request.connection()));
            request.response().end();
        });
        io.vertx.core.http.HttpClient client = plain.createHttpClient();
        try {
            int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
            client.request(HttpMethod.GET, port, "127.0.0.1", "/").compose(request -> request.send());
            return seen.get(10, TimeUnit.SECONDS);
        } finally {
            client.close();
            server.close();
        }
    }

    /** Runs a check that fails on purpose without its ERROR lines in the test output. */
    private static void quietly(Runnable provoked) {
        Logger logger = Logger.getLogger(InternalsCheck.class.getName());
        Level level = logger.getLevel();
        logger.setLevel(Level.OFF);
        try {
            provoked.run();
        } finally {
            logger.setLevel(level);
        }
    }

    private static double gauge(MeterRegistry registry, Hook hook, double expected) throws InterruptedException {
        double value = 0;
        for (int i = 0; i < 600 && value != expected; i++) { // the start-up check completes asynchronously, retrying
            value = registry.get("ballast.internals.hook.ok").tag("hook", hook.tag()).gauge().value();
            Thread.sleep(50);
        }
        return value;
    }
}

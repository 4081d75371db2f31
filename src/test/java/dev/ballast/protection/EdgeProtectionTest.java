package dev.ballast.protection;

import static dev.ballast.Api.PASSWORD;
import static dev.ballast.Api.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.Management;
import dev.ballast.ProxiedPostgresAndEdgeLimitsProfile;
import dev.ballast.internals.InternalsCheck;
import dev.ballast.internals.InternalsCheck.Hook;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge protections, with small limits so that a few sockets reach them ({@link ProxiedPostgresAndEdgeLimitsProfile},
 * a start it shares with the database fault tests).
 */
@QuarkusTest
@TestProfile(ProxiedPostgresAndEdgeLimitsProfile.class)
class EdgeProtectionTest {

    /**
     * Not 127.0.0.1, RestAssured's: the other classes of this start send from there, and the connections of this
     * address are counted against the cap of 4.
     */
    private static final String CLIENT = "127.0.0.4";
    private static final String ORIGIN = "https://front-end.example";
    private static final String OTHER_CLIENT = "127.0.0.2";
    /** Logins come from an address of their own, on connections closed after each answer: clear of the cap of 4. */
    private static final String LOGIN_CLIENT = "127.0.0.3";

    @Inject
    Vertx vertx;

    @Inject
    ConnectionLimits connectionLimits;

    @Inject
    MeterRegistry registry;

    @Inject
    InternalsCheck check;

    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void connectionLimitsInstalled() throws InterruptedException {
        // By the first request the API port serves: the replica's own, at start-up (InternalsCheck).
        for (int i = 0; i < 1_000 && !check.tookHold(Hook.HTTP_LISTENER); i++) {
            Thread.sleep(10);
        }
        assertTrue(check.tookHold(Hook.HTTP_LISTENER), "connection limits installed");
    }

    @AfterEach
    void closeSockets() throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
        // Each test starts with no connection of the client open and no request holding an admission permit.
        for (int i = 0; i < 200 && (connectionLimits.openConnections(InetAddress.getByName(CLIENT)) > 0 || requestsInFlight() > 0); i++) {
            Thread.sleep(10);
        }
    }

    private double requestsInFlight() {
        return registry.get("ballast.admission.in.flight").gauge().value();
    }

    private Socket open(String from) throws IOException {
        Socket socket = RawHttp.open(from);
        sockets.add(socket);
        return socket;
    }

    /** A login whose headers arrived but whose body never ends: admitted, and in flight until its connection closes. */
    private Socket requestInFlight() throws IOException {
        Socket socket = open(CLIENT);
        RawHttp.send(socket, "POST /api/users/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"user\":");
        return socket;
    }

    /** A write (not a login) whose headers arrived but whose body has not ended: a reader in flight, holding a permit. */
    private void readerInFlight() throws IOException {
        Socket socket = open(CLIENT);
        RawHttp.send(socket, "POST /api/articles HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"article\":");
    }

    private static void assertHeader(String response, String name, String value) {
        assertTrue(response.toLowerCase().contains("\r\n" + name + ": " + value.toLowerCase() + "\r\n"), name + " in " + response);
    }

    private static void assertBusyAnswer(String response) {
        assertTrue(response.startsWith("HTTP/1.1 503"), response);
        assertTrue(response.toLowerCase().contains("\r\nretry-after: 1\r\n"), response);
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        assertTrue(new JsonObject(body).getJsonObject("errors").getJsonArray("body").getString(0).contains("busy"), body);
    }

    /**
     * A client of the API port, however it spells the path, reaches no operator endpoint: health and metrics are
     * served on the management port only.
     */
    @Test
    void theApiPortServesNoProbeAndNoMetrics() throws Exception {
        for (String path : List.of("/q/health", "/q/health/live", "/q/health/ready", "/q/health/started", "/q/metrics")) {
            String response = RawHttp.get(OTHER_CLIENT, path);
            assertEquals(404, RawHttp.status(response), path + ": " + response);
            assertTrue(RawHttp.management(OTHER_CLIENT, path).startsWith("HTTP/1.1 200"), path + " on the management port");
        }
        for (String path : List.of("/api/../q/metrics", "//q/metrics", "/q/./health/ready", "/q/%6Detrics", "/api/%2e%2e/q/metrics")) {
            String response = RawHttp.get(OTHER_CLIENT, path);
            int status = RawHttp.status(response);
            assertTrue(status == 404 || status == 400, path + ": " + response);
            assertFalse(response.contains("ballast_") || response.contains("\"checks\""), path + ": " + response);
        }
        assertTrue(Management.port() != RestAssured.port, "a port of its own");
    }

    @Test
    void pastTheLimitRequestsAreRefusedAtOnceButProbesAreNot() throws Exception {
        requestInFlight();
        requestInFlight();
        Thread.sleep(200); // both admitted: their headers are in

        long start = System.nanoTime();
        assertBusyAnswer(RawHttp.get(CLIENT, "/api/tags"));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "refused at once");
        String refused = RawHttp.exchange(CLIENT, "GET /api/tags HTTP/1.1", "Origin: " + ORIGIN + "\r\n");
        assertBusyAnswer(refused);
        assertHeader(refused, "access-control-allow-origin", ORIGIN);
        String preflight = RawHttp.exchange(CLIENT, "OPTIONS /api/articles HTTP/1.1",
                "Origin: " + ORIGIN + "\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: Authorization\r\n");
        assertTrue(preflight.startsWith("HTTP/1.1 200"), "a preflight is answered while requests are refused: " + preflight);
        assertHeader(preflight, "access-control-allow-origin", ORIGIN);
        assertTrue(preflight.toLowerCase().contains("access-control-allow-methods:"), preflight);
        // The management port is outside admission control.
        assertTrue(RawHttp.management(CLIENT, "/q/health/ready").startsWith("HTTP/1.1 200"), "readiness is never refused");
        String metrics = RawHttp.management(CLIENT, "/q/metrics");
        assertTrue(metrics.startsWith("HTTP/1.1 200"), "metrics are never refused");
        assertTrue(metrics.contains("ballast_admission_limit 2.0"), "the current limit is exported");
        assertTrue(metrics.contains("ballast_admission_in_flight 2.0"), "requests in flight are exported");
        assertTrue(metrics.matches("(?s).*ballast_admission_rejections_total\\{reason=\"limit\"} [1-9].*"), "refusals by reason");

        closeSockets();
        sockets.clear();
        String served = "";
        for (int i = 0; i < 50 && !served.startsWith("HTTP/1.1 200"); i++) {
            Thread.sleep(20);
            served = RawHttp.get(CLIENT, "/api/tags");
        }
        assertTrue(served.startsWith("HTTP/1.1 200"), "permits come back when the clients leave: " + served);
    }

    @Test
    void aRequestThatWaitedTooLongInItsEventLoopIsRefusedButAProbeIsServed() throws Exception {
        blockEventLoops(800);
        assertBusyAnswer(RawHttp.get(CLIENT, "/api/tags"));
        blockEventLoops(800);
        assertTrue(RawHttp.management(CLIENT, "/q/health/live").startsWith("HTTP/1.1 200"), "probes are never refused");
        Thread.sleep(100); // the loops' probes have run on time again
        assertTrue(RawHttp.get(CLIENT, "/api/tags").startsWith("HTTP/1.1 200"), "served again once the loops keep up");
    }

    /** Keeps every event loop busy for a while, as a burst of work would: requests arriving meanwhile wait. */
    private void blockEventLoops(long millis) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        vertx.nettyEventLoopGroup().forEach(loop -> loop.execute(() -> {
            started.countDown();
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        started.await();
        Thread.sleep(20);
    }

    @Test
    void anAdmittedRequestCarriesItsDeadline() throws IOException {
        String response = RawHttp.get(CLIENT, RequestDeadlineRoute.PATH);
        long remainingMillis = Long.parseLong(response.substring(response.indexOf("\r\n\r\n") + 4).trim());
        assertTrue(remainingMillis > 4_000 && remainingMillis <= 5_000, "about the request timeout (5 s) left: " + remainingMillis);
    }

    @Test
    void aConnectionThatNeverFinishesItsHeadersIsClosedAtTheDeadline() throws IOException {
        Socket unfinished = open(CLIENT);
        RawHttp.send(unfinished, "GET /api/tags HTTP/1.1\r\nHost: localhost\r\n");
        Socket silent = open(CLIENT);
        long unfinishedMillis = RawHttp.millisUntilClosed(unfinished);
        long silentMillis = RawHttp.millisUntilClosed(silent);
        assertTrue(unfinishedMillis >= 1_800 && unfinishedMillis < 3_000, "closed at the 2 s header deadline: " + unfinishedMillis);
        assertTrue(silentMillis < 3_000, "a connection that sends nothing is closed too: " + silentMillis);
    }

    @Test
    void aBodyThatNeverEndsIsClosedAtTheBodyDeadline() throws IOException {
        Socket slowBody = requestInFlight();
        long millis = RawHttp.millisUntilClosed(slowBody);
        assertTrue(millis >= 2_800 && millis < 4_500, "closed at the 3 s body deadline: " + millis);
    }

    @Test
    void aKeepAliveConnectionServesSeveralRequests() throws IOException {
        Socket socket = open(CLIENT);
        for (int i = 0; i < 3; i++) {
            keepAliveAfterOneRequest(socket);
        }
    }

    /** One request (that needs no database) on a kept-alive connection: answered 200, and the connection stays open. */
    private static void keepAliveAfterOneRequest(Socket socket) throws IOException {
        RawHttp.send(socket, "GET " + RequestDeadlineRoute.PATH + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        byte[] buffer = new byte[4096];
        int read = socket.getInputStream().read(buffer);
        assertTrue(read > 0 && new String(buffer, 0, read).startsWith("HTTP/1.1 200"), "answered on a kept-alive connection");
    }

    @Test
    void oneAddressCannotHoldMoreThanItsShareOfConnections() throws Exception {
        // Each held connection has served a request and stays open, idle, for the next: counted since it was
        // accepted, and clear of the header deadline that closes a connection which never sends one.
        for (int i = 0; i < 4; i++) {
            keepAliveAfterOneRequest(open(CLIENT));
        }
        assertEquals(4, connectionLimits.openConnections(InetAddress.getByName(CLIENT)), "four connections held");
        Socket overCap = open(CLIENT);
        long millis = RawHttp.millisUntilClosed(overCap);
        assertTrue(millis < 500, "a connection past the cap is closed at once: " + millis);

        long start = System.nanoTime();
        assertTrue(RawHttp.get(OTHER_CLIENT, "/api/tags").startsWith("HTTP/1.1 200"), "another client is served");
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500));
        String metrics = RawHttp.management(OTHER_CLIENT, "/q/metrics");
        assertTrue(metrics.matches("(?s).*ballast_connections_refused_total\\{reason=\"per_address_max\"} [1-9].*"), "counted");
        // The cap is the API port's: the management port has no such limit, and the probes of a capped address pass.
        assertTrue(RawHttp.management(CLIENT, "/q/health/live").startsWith("HTTP/1.1 200"), "probes are not capped");
    }

    @Test
    void whileTheCpuHasRoomLoginsAreServedBeyondTheHashingShare() throws Exception {
        drainTheHashingShare();
        int served = 0;
        for (int attempt = 0; attempt < 10 && served < 2; attempt++) {
            // Other processes on a loaded test machine can delay the loops past the contention bound now and
            // then; a login refused meanwhile is retried once the loops keep up again.
            awaitContended(false);
            String response = loginOfNobody("");
            if (response.startsWith("HTTP/1.1 401")) {
                served++;
            } else {
                assertBusyAnswer(response);
            }
        }
        assertEquals(2, served, "two logins served beyond the share");
    }

    @Test
    void whileReadersNeedTheCpuALoginBeyondTheShareIsRefusedAtOnceAndABrowserCanReadWhy() throws Exception {
        drainTheHashingShare();
        readerInFlight(); // readers are around
        String refused = null;
        for (int attempt = 0; attempt < 5 && refused == null; attempt++) {
            // A reader answered: with PASSWORD_HASH_CONTENDED_WAIT at 0 readers count as waiting for the CPU, and
            // readers need the CPU for the second that follows (a slow machine may let that second pass: try again).
            assertTrue(RawHttp.get(OTHER_CLIENT, "/api/tags").startsWith("HTTP/1.1 200"));
            double refusedBefore = hashingRefusals();
            String response = loginOfNobody("Origin: " + ORIGIN + "\r\n");
            if (response.startsWith("HTTP/1.1 503")) {
                assertEquals(refusedBefore + 1, hashingRefusals(), "refused by the hashing share, not by admission: " + response);
                refused = response;
            }
        }
        assertNotNull(refused, "a login beyond the share while readers need the CPU is refused");
        assertBusyAnswer(refused);
        assertHeader(refused, "access-control-allow-origin", ORIGIN);
    }

    /**
     * A login (of an email nobody registered: it costs the same hash as any other, and answers 401 when
     * served) from the login address. Each uses a new email, clear of the failed-login limit per account.
     */
    private static String loginOfNobody(String headers) throws IOException {
        String email = uniqueName("nobody") + "@example.com";
        return RawHttp.post(LOGIN_CLIENT, "/api/users/login", headers,
                new JsonObject().put("user", new JsonObject().put("email", email).put("password", PASSWORD)).encode());
    }

    /**
     * Takes the share's one hash of the next 100 seconds, if it holds one: a login served takes it, and one
     * refused shows there was none. Either way the logins that follow are beyond the share.
     */
    private static void drainTheHashingShare() throws IOException {
        String response = loginOfNobody("");
        assertTrue(response.startsWith("HTTP/1.1 401") || response.startsWith("HTTP/1.1 503"), response);
    }

    private double hashingRefusals() {
        return registry.counter("ballast.password.rejections", "reason", "wait").count();
    }

    /** Waits (up to 10 s) until hashing counts as contended, or not, as the metric says. */
    private static void awaitContended(boolean contended) throws Exception {
        String expected = "ballast_password_contended " + (contended ? "1.0" : "0.0");
        String metrics = "";
        for (int i = 0; i < 50 && !metrics.contains(expected); i++) {
            metrics = RawHttp.management(OTHER_CLIENT, "/q/metrics");
            Thread.sleep(200);
        }
        assertTrue(metrics.contains(expected), expected);
    }

    /**
     * Makes every event loop compute, as a stream of requests would, until each has used {@code cpuMillis} of CPU
     * (for at most 1.5 s: on a loaded machine the loops get less of the CPU; Vert.x warns of a loop blocked 2 s).
     */
    private void spinEventLoops(long cpuMillis) throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<EventExecutor> loops = new ArrayList<>();
        vertx.nettyEventLoopGroup().forEach(loops::add);
        CountDownLatch done = new CountDownLatch(loops.size());
        loops.forEach(loop -> loop.execute(() -> {
            long cpuEnd = threads.getCurrentThreadCpuTime() + TimeUnit.MILLISECONDS.toNanos(cpuMillis);
            long wallEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
            while (threads.getCurrentThreadCpuTime() < cpuEnd && System.nanoTime() < wallEnd) {
                Thread.onSpinWait();
            }
            done.countDown();
        }));
        done.await();
    }
}

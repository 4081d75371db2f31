package dev.ballast.internals;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServer;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetServer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Verifies at start-up that each hook of {@link VertxInternals} takes hold, so that a
 * Vert.x or Quarkus upgrade that changes one is seen at once instead of switching a protection off in silence: the
 * socket of a real pooled connection is reached and closed, a statement on it is told apart as a closed
 * connection, the pool's acquire timeout is told apart (on a throw-away pool of one connection to a server that
 * never answers), one request to this replica itself reaches the listening channel and the HTTP decoder (reported
 * by the connection limits, which use them). Each
 * hook's outcome is the gauge {@code ballast_internals_hook_ok{hook=...}} (1 took hold,
 * 0 not or not yet); a hook that did not take hold is logged as an ERROR, and the replica keeps serving without
 * that protection.
 */
@ApplicationScoped
public class InternalsCheck {

    /** What is verified, as named in the gauge's {@code hook} tag. */
    public enum Hook {
        SQL_SOCKET("sql-socket", "the socket of a pooled database connection, closed when a call passes its deadline"),
        SQL_CLOSED_CONNECTION("sql-closed-connection", "a statement on a closed connection, answered 503"),
        SQL_ACQUIRE_TIMEOUT("sql-acquire-timeout", "the pool's acquire timeout, answered 503"),
        HTTP_LISTENER("http-listener", "the listening channel (connection limits, request deadlines)"),
        HTTP_DECODER("http-decoder", "the HTTP/1 decoder (header and body deadlines)");

        private final String tag;
        private final String what;

        Hook(String tag, String what) {
            this.tag = tag;
            this.what = what;
        }

        public String tag() {
            return tag;
        }
    }

    private static final Logger LOG = Logger.getLogger(InternalsCheck.class);
    private static final long WAIT_MILLIS = 30_000;
    private static final long RETRY_MILLIS = 5_000;
    private static final int RETRIES = 60;

    private final VertxInternals internals;
    private final Vertx vertx;
    private final Instance<io.vertx.mutiny.sqlclient.Pool> pool;
    private final Instance<HttpServer> httpServer;
    private final Map<Hook, AtomicInteger> took = new EnumMap<>(Hook.class);
    private final AtomicBoolean httpChecked = new AtomicBoolean();

    @Inject
    InternalsCheck(Vertx vertx, Instance<io.vertx.mutiny.sqlclient.Pool> pool, Instance<HttpServer> httpServer,
                   MeterRegistry registry) {
        this(VertxInternals.VERTX, vertx, pool, httpServer, registry);
    }

    /** Checks hooks of other names than Vert.x's own: how a test plays an upgrade that renamed them. */
    InternalsCheck(VertxInternals internals, Vertx vertx, Instance<io.vertx.mutiny.sqlclient.Pool> pool,
                   Instance<HttpServer> httpServer, MeterRegistry registry) {
        this.internals = internals;
        this.vertx = vertx;
        this.pool = pool;
        this.httpServer = httpServer;
        for (Hook hook : Hook.values()) {
            AtomicInteger state = new AtomicInteger();
            took.put(hook, state);
            Gauge.builder("ballast.internals.hook.ok", state, AtomicInteger::get)
                    .description("1 when the start-up check found this hook into Vert.x or Quarkus internals taking hold")
                    .tag("hook", hook.tag)
                    .register(registry);
        }
    }

    void onStart(@Observes StartupEvent event) {
        checkDatabaseHooks();
    }

    /**
     * The HTTP hooks once the API port listens: the start-up event comes before it does (the port is not known yet
     * then). Each of the server's verticles tells it has started; the first one is enough.
     */
    void onHttpServerStart(@ObservesAsync HttpServerStart started) {
        if (httpChecked.compareAndSet(false, true)) {
            checkHttpHooks();
        }
    }

    /** Records a hook's outcome: its gauge, and an ERROR when it did not take hold. */
    public void report(Hook hook, boolean ok, String detail) {
        int previous = took.get(hook).getAndSet(ok ? 1 : 0);
        if (!ok) {
            LOG.errorf("Framework internals: %s no longer takes hold (%s): %s. The service runs without it; "
                    + "the Vert.x or Quarkus version has probably changed, see the package dev.ballast.internals", hook.tag, hook.what, detail);
        } else if (previous == 0) {
            LOG.debugf("Framework internals: %s takes hold", hook.tag);
        }
    }

    /** Whether the hook has been found to take hold. */
    public boolean tookHold(Hook hook) {
        return took.get(hook).get() == 1;
    }

    /**
     * The socket and closed-connection hooks on a connection from the service's own pool (closed, so the pool
     * forgets it), and the acquire timeout on a throw-away pool.
     */
    Future<Void> checkDatabaseHooks() {
        return Future.join(checkPooledConnection(RETRIES), checkAcquireTimeout()).mapEmpty();
    }

    /** A database that cannot be reached yet (or a pool too busy) is asked again: nothing is verified without it. */
    private Future<Void> checkPooledConnection(int retries) {
        return pool.get().getDelegate().getConnection().transform(acquired -> {
            if (acquired.succeeded()) {
                return checkPooledConnection(acquired.result());
            }
            if (retries == 0) {
                LOG.warnf("Vert.x internals: the database hooks are not verified, no database connection (%s)",
                        acquired.cause().getMessage());
                return Future.succeededFuture();
            }
            Promise<Void> later = Promise.promise();
            vertx.setTimer(RETRY_MILLIS, id -> checkPooledConnection(retries - 1).onComplete(later));
            return later.future();
        });
    }

    private Future<Void> checkPooledConnection(SqlConnection connection) {
        boolean reached = internals.reachesSocket(connection);
        report(Hook.SQL_SOCKET, reached, "no socket connection behind " + connection.getClass().getName());
        if (!reached) {
            connection.close();
            return Future.succeededFuture();
        }
        // Sent once the connection knows it is closed: before that, the statement fails with the socket itself.
        Promise<Void> closed = Promise.promise();
        connection.closeHandler(ignored -> closed.tryComplete());
        internals.closeSocket(connection);
        return closed.future().timeout(WAIT_MILLIS, TimeUnit.MILLISECONDS)
                .transform(ignored -> connection.query("select 1").execute()).transform(result -> {
            report(Hook.SQL_CLOSED_CONNECTION,
                    result.failed() && internals.isAcquireTimeoutOrClosedConnection(result.cause()),
                    "a statement on a closed connection " + (result.failed() ? "failed with " + result.cause() : "succeeded"));
            return Future.succeededFuture();
        });
    }

    /** A pool of one connection to a server that accepts and never answers: the second acquire times out. */
    private Future<Void> checkAcquireTimeout() {
        NetServer silent = vertx.createNetServer().connectHandler(socket -> { });
        return silent.listen(0, "127.0.0.1").compose(server -> {
            Pool throwaway = PgBuilder.pool()
                    .with(new PoolOptions().setName("ballast-internals-check").setMaxSize(1)
                            .setConnectionTimeout(50).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
                    .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(server.actualPort()))
                    .using(vertx)
                    .build();
            throwaway.getConnection(); // holds the only connection, connecting for ever
            return throwaway.getConnection().transform(second -> {
                report(Hook.SQL_ACQUIRE_TIMEOUT,
                        second.failed() && internals.isAcquireTimeoutOrClosedConnection(second.cause()),
                        "the acquire timeout " + (second.failed() ? "failed with " + second.cause() : "gave a connection"));
                return throwaway.close().eventually(() -> silent.close());
            });
        });
    }

    /**
     * One request to this replica's API port itself, so that the HTTP hooks take hold at start-up rather than at the
     * first client's request; a hook that has not reported by its answer did not take hold. The request is a CORS
     * preflight: admission control lets it through uncounted and it is answered from configuration alone (any answer
     * will do, a 403 for an origin not allowed too). The probes cannot serve here: they are on the management port.
     */
    Future<Void> checkHttpHooks() {
        if (!httpServer.isResolvable() || httpServer.get().getPort() <= 0) {
            return Future.succeededFuture();
        }
        HttpClient client = vertx.createHttpClient();
        RequestOptions preflight = new RequestOptions().setMethod(HttpMethod.OPTIONS)
                .setHost("localhost").setPort(httpServer.get().getPort()).setURI("/api/tags")
                .putHeader(HttpHeaders.ORIGIN, "http://localhost")
                .putHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "GET");
        return client.request(preflight)
                .compose(request -> request.send().compose(response -> response.body()))
                .timeout(WAIT_MILLIS, TimeUnit.MILLISECONDS)
                .transform(answered -> {
                    if (answered.failed()) {
                        LOG.warnf("Vert.x internals: HTTP hooks not verified at start-up, this replica's request to itself "
                                + "failed (%s); the first client's request installs them", answered.cause().toString());
                        return client.close();
                    }
                    for (Hook hook : new Hook[] {Hook.HTTP_LISTENER, Hook.HTTP_DECODER}) {
                        if (!tookHold(hook)) {
                            report(hook, false, "this replica's request to itself did not reach it");
                        }
                    }
                    return client.close();
                });
    }
}

package dev.ballast.protection;

import dev.ballast.db.DatabaseGate;
import dev.ballast.http.ErrorBody;
import dev.ballast.http.RetryAfterSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Admission control at the HTTP edge, per replica: a route of the first order ({@code Integer.MIN_VALUE}, which
 * it shares with the body-size limit and the connection limits' installer, none of which waits or touches the
 * database), so it runs before routing to an endpoint, JSON parsing, token checks and any database work. A
 * request is refused at once with 503 and {@code Retry-After} (RealWorld error shape), with the CORS headers it
 * would have had, when
 * <ul>
 *   <li>it has already waited longer than {@code queue-timeout} in its event loop (see {@link EventLoopLag}):
 *       serving it now would be serving it late, and the client has probably given up;</li>
 *   <li>or the adaptive limit on requests in flight ({@link AdmissionLimit}) is reached.</li>
 * </ul>
 * An admitted request gets a deadline, {@code request-timeout} after its estimated arrival, stored as an
 * absolute {@link System#nanoTime()} in its duplicated context's local data under {@link DatabaseGate#REQUEST_DEADLINE};
 * the database layer bounds its statements by the time left. Its permit is released when the response
 * ends or the connection closes. CORS preflights are never refused: they are answered from configuration alone.
 * Health probes and metrics never come here: they are served on the management interface, its own port and
 * router, so an orchestrator sees a busy replica as alive.
 */
@ApplicationScoped
public class AdmissionControl {

    private static final Logger LOG = Logger.getLogger(AdmissionControl.class);
    /** Routing-context key of a refused request's answer (its body), set by the first route and sent after CORS. */
    private static final String REFUSAL_KEY = "ballast.admission.refusal";
    private static final long LAG_PROBE_INTERVAL = TimeUnit.MILLISECONDS.toNanos(10);
    /** How long a reader answered, or a reader that waited, counts as recent. */
    private static final long RECENT = TimeUnit.SECONDS.toNanos(1);

    private final AdmissionLimit limit;
    private final EventLoopLag lag;
    private final long queueTimeoutNanos;
    private final long requestTimeoutNanos;
    private final String retryAfterSeconds;
    private final Buffer overLimitBody = Buffer.buffer(Json.encode(ErrorBody.of("server is busy, retry shortly")));
    private final Buffer queuedBody = Buffer.buffer(Json.encode(ErrorBody.of("server is busy (request waited too long), retry shortly")));
    private final ReaderWaits readers;
    private final Counter overLimit;
    private final Counter queuedTooLong;

    AdmissionControl(Vertx vertx, MeterRegistry registry,
                     AdmissionSettings settings, PasswordSettings password, RetryAfterSettings retryAfterSettings) {
        this.limit = new AdmissionLimit(settings.initialLimit(), settings.minLimit(), settings.maxLimit(), System::nanoTime);
        this.lag = new EventLoopLag(vertx.nettyEventLoopGroup(), LAG_PROBE_INTERVAL);
        this.queueTimeoutNanos = settings.queueTimeout().toNanos();
        this.requestTimeoutNanos = settings.requestTimeout().toNanos();
        this.readers = new ReaderWaits(RECENT, password.contendedWait().toNanos(), System.nanoTime());
        this.retryAfterSeconds = Long.toString(Math.max(1, retryAfterSettings.duration().toSeconds()));
        Gauge.builder("ballast.admission.limit", limit, AdmissionLimit::limit).register(registry);
        Gauge.builder("ballast.admission.in.flight", limit, AdmissionLimit::inFlight).register(registry);
        Gauge.builder("ballast.event.loop.lag", lag, probe -> probe.maxLag() / 1e9).baseUnit("seconds").register(registry);
        this.overLimit = registry.counter("ballast.admission.rejections", "reason", "limit");
        this.queuedTooLong = registry.counter("ballast.admission.rejections", "reason", "queue_timeout");
        LOG.infof("Admission control: limit %d (adapts between %d and %d), queue timeout %d ms, request timeout %d ms",
                settings.initialLimit(), settings.minLimit(), settings.maxLimit(), settings.queueTimeout().toMillis(),
                settings.requestTimeout().toMillis());
    }

    void install(@Observes Router router) {
        router.route().order(AddressRateLimit.ORDER + 1).handler(this::admit);
        // A refusal is decided first but answered just after Quarkus' CORS filter (the route of order
        // -CORS), so that it carries the CORS headers the request would have had: a browser can read it.
        router.route().order(-SecurityHandlerPriorities.CORS + 1).handler(this::answerIfRefused);
    }

    /** Requests other than logins and registrations ({@link PasswordRequests}) are around ({@link ReaderWaits}). */
    public boolean readersPresent(int passwordRequestsInFlight) {
        return readers.around(System.nanoTime(), limit.inFlight() > passwordRequestsInFlight);
    }

    /**
     * Readers wait for the CPU ({@link ReaderWaits}): over about the last second they waited
     * {@code PASSWORD_HASH_CONTENDED_WAIT} on average before they were admitted, or the loops run later than half
     * the queue timeout now.
     */
    public boolean readersWaiting() {
        return readers.waiting(System.nanoTime(), lag.maxLag() > queueTimeoutNanos / 2);
    }

    private void admit(RoutingContext context) {
        if (AddressRateLimit.isRefused(context) || AddressRateLimit.isPreflight(context.request())) {
            context.next();
            return;
        }
        long now = System.nanoTime();
        long waited = lag.currentDelay(now);
        if (waited > queueTimeoutNanos) {
            queuedTooLong.increment();
            refuse(context, queuedBody);
            return;
        }
        Optional<AdmissionLimit.Permit> permit = limit.tryAcquire();
        if (permit.isEmpty()) {
            overLimit.increment();
            refuse(context, overLimitBody);
            return;
        }
        Vertx.currentContext().putLocal(DatabaseGate.REQUEST_DEADLINE, now - waited + requestTimeoutNanos);
        context.addEndHandler(ended -> {
            if (!PasswordRequests.isOne(context)) {
                readers.answered(System.nanoTime(), waited);
            }
            if (ended.failed()) {
                permit.get().abandoned();
            } else if (context.response().getStatusCode() >= 500) {
                permit.get().dropped();
            } else {
                permit.get().served();
            }
        });
        context.next();
    }

    private static void refuse(RoutingContext context, Buffer body) {
        context.put(REFUSAL_KEY, body);
        context.next();
    }

    private void answerIfRefused(RoutingContext context) {
        Buffer body = context.get(REFUSAL_KEY);
        if (body == null) {
            context.next();
            return;
        }
        context.response()
                .setStatusCode(503)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
                .end(body);
    }
}

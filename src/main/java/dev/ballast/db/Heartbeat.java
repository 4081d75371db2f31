package dev.ballast.db;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Notices a database that stopped answering sooner than any statement deadline could: every
 * {@code DB_HEARTBEAT_INTERVAL_MS} it runs {@code select 1} on a connection of its own (not from the pool,
 * so an exhausted pool does not look like an outage), with a deadline of {@code DB_HEARTBEAT_TIMEOUT_MS}.
 * The answers feed a circuit breaker (SmallRye Fault Tolerance): after {@code DB_HEARTBEAT_FAILURES}
 * failures in a row it opens, the calls in flight are failed and new ones refused at once
 * ({@link DatabaseGate}); the next heartbeat that answers closes it again. With read replicas, each heartbeat also
 * reads the primary's flushed WAL position, by which {@link Replicas} tells how far behind each replica is.
 */
@ApplicationScoped
public class Heartbeat {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class);
    private static final String PING = "select 1";
    /** The primary's flushed WAL position, in bytes from the start of the WAL. */
    private static final String POSITION = "select (pg_current_wal_flush_lsn() - '0/0')::bigint";

    private final Vertx vertx;
    private final long intervalMillis;
    private final long timeoutMillis;
    private final Guard breaker;
    private final List<Runnable> openListeners = new CopyOnWriteArrayList<>();
    private volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;
    private volatile boolean everAnswered;
    private volatile LongConsumer positions;
    // Touched only on the heartbeat timer's event loop.
    private final ProbeConnection probe;
    private boolean beating;
    private long timerId = -1;

    Heartbeat(Vertx vertx, BoundedPoolCreator poolCreator, DedicatedConnections connections, MeterRegistry registry,
              DatabaseSettings settings) {
        this.vertx = vertx;
        this.probe = new ProbeConnection(vertx, () -> connections.open(poolCreator.firstServerOptions()), "heartbeat");
        this.intervalMillis = settings.heartbeat().intervalMs();
        this.timeoutMillis = settings.heartbeat().timeoutMs();
        this.breaker = Guard.create()
                .withDescription("database heartbeat")
                .withCircuitBreaker()
                .requestVolumeThreshold(settings.heartbeat().failures()).failureRatio(1.0).successThreshold(1)
                // Open, the breaker lets the next heartbeat through after this delay, as a trial.
                .delay(intervalMillis, ChronoUnit.MILLIS)
                .onStateChange(this::changed)
                .done()
                .withThreadOffload(false)
                .build();
        Gauge.builder("ballast.db.circuit.open", this, heartbeat -> heartbeat.state == CircuitBreakerState.OPEN ? 1 : 0)
                .description("1 while the database circuit breaker is open (the heartbeat gets no answer)")
                .register(registry);
    }

    void start(@Observes StartupEvent event) {
        timerId = vertx.setPeriodic(intervalMillis, id -> beat());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timerId);
    }

    /** Whether database calls may go ahead: the breaker is closed (not open, nor trying a heartbeat). */
    public boolean allowsCalls() {
        return state == CircuitBreakerState.CLOSED;
    }

    /** Ready for traffic: a heartbeat has answered since start-up and none of the last ones failed. */
    public boolean healthy() {
        return everAnswered && allowsCalls();
    }

    /** From now on, each heartbeat reads the primary's WAL position and hands it to {@code consumer}. */
    void reportPositions(LongConsumer consumer) {
        positions = consumer;
    }

    /** Runs the listener (on the heartbeat's thread) each time the breaker opens. */
    void whenOpened(Runnable listener) {
        openListeners.add(listener);
    }

    private void beat() {
        if (beating) {
            return;
        }
        beating = true;
        guarded(this::ping).subscribe().with(
                answered -> {
                    beating = false;
                    everAnswered = true;
                },
                failure -> beating = false);
    }

    private Uni<Void> ping() {
        LongConsumer reader = positions;
        return UniHelper.toUni(probe.firstRow(reader == null ? PING : POSITION, timeoutMillis).map(row -> {
            if (reader != null) {
                reader.accept(row.getLong(0));
            }
            return null;
        }));
    }

    private void changed(CircuitBreakerState newState) {
        CircuitBreakerState previous = state;
        state = newState;
        if (newState == CircuitBreakerState.OPEN) {
            if (previous == CircuitBreakerState.CLOSED) { // not each failed trial of an ongoing outage
                LOG.warnf("Database not answering the heartbeat: circuit breaker open, database calls refused with 503");
            }
            openListeners.forEach(Runnable::run);
        } else if (newState == CircuitBreakerState.CLOSED) {
            LOG.infof("Database answering again: circuit breaker closed");
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Uni<Void> guarded(Supplier<Uni<Void>> work) {
        return (Uni<Void>) breaker.get((Supplier) work, Uni.class);
    }
}

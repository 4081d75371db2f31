package dev.ballast.db;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The streaming replicas of {@code READ_DATABASE_URL}, each checked every {@code READ_CHECK_INTERVAL}
 * ({@link Replica}), and which of them a read may go to.
 * <p>
 * How far behind a replica is, in time: the heartbeat reads the primary's flushed WAL position at each beat
 * ({@link Heartbeat}), kept with the time it was read ({@link PrimaryPositions}). One further behind than
 * {@code READ_MAX_LAG}, failing its checks, or no longer in recovery is skipped (logged when that changes); it is used
 * again as soon as a check finds it caught up. Before the heartbeat has read a position, no replica is used. While the
 * primary does not answer, the positions read before stay: the replicas that had caught up with them serve reads on.
 */
@ApplicationScoped
class Replicas {

    private static final Logger LOG = Logger.getLogger(Replicas.class);

    private final List<Replica> replicas = new ArrayList<>();
    private final Vertx vertx;
    private final CallsInFlight inFlight;
    private final long maxLagNanos;
    private final long checkIntervalMillis;
    private final long checkTimeoutMillis;
    private final PrimaryPositions primary;
    private final AtomicInteger next = new AtomicInteger();
    private final int readers;
    private final int waiting;
    private long timerId = -1;

    Replicas(ReadReplicasConfig config, BoundedPoolCreator pools, DedicatedConnections connections, DatabaseBulkheads bulkheads,
             CallsInFlight inFlight, Heartbeat heartbeat, Vertx vertx, MeterRegistry registry) {
        this.vertx = vertx;
        this.inFlight = inFlight;
        this.maxLagNanos = config.maxLag().toNanos();
        this.checkIntervalMillis = Math.max(1, config.checkInterval().toMillis());
        this.checkTimeoutMillis = Math.max(1, config.checkTimeout().toMillis());
        // Enough positions to tell any lag up to the bound, and a little more.
        this.primary = new PrimaryPositions(maxLagNanos + TimeUnit.SECONDS.toNanos(5));
        this.readers = DatabaseBulkheads.readers(config.concurrency(), config.maxSize());
        this.waiting = readers * bulkheads.queueFactor();
        for (String url : config.url().orElse(List.of())) {
            if (url.isBlank()) {
                continue;
            }
            PgConnectOptions server = pools.serverAt(url);
            String name = server.getHost() + ":" + server.getPort();
            Replica replica = new Replica(name, config.maxSize(), pools.replicaPool(server, config.maxSize(), "replica " + name),
                    bulkheads.replicaReads(name, readers), server, vertx, connections);
            replicas.add(replica);
            Gauge.builder("ballast.db.replica.lag", this, self -> self.lagSeconds(replica))
                    .description("How far behind the primary a read replica is (seconds, at its last check)")
                    .tag("replica", name).baseUnit("seconds").register(registry);
            Gauge.builder("ballast.db.replica.used", this, self -> self.usable(replica) ? 1 : 0)
                    .description("1 while reads may go to this replica (answering, in recovery, within READ_MAX_LAG)")
                    .tag("replica", name).register(registry);
        }
        if (!replicas.isEmpty()) {
            heartbeat.reportPositions(position -> primary.read(position, System.nanoTime()));
        }
    }

    void start(@Observes StartupEvent event) {
        if (replicas.isEmpty()) {
            LOG.infof("Read replicas: none (READ_DATABASE_URL is empty): every statement runs on the primary");
            return;
        }
        Replica first = replicas.get(0);
        LOG.infof("Read replicas: %s; each a pool of %d, %d reads at once (+%d waiting), skipped when more than %d ms "
                        + "behind or not answering a check within %d ms (every %d ms)",
                replicas.stream().map(Replica::name).toList(), first.poolMax(), readers, waiting,
                TimeUnit.NANOSECONDS.toMillis(maxLagNanos), checkTimeoutMillis, checkIntervalMillis);
        timerId = vertx.setPeriodic(checkIntervalMillis, id -> replicas.forEach(this::check));
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timerId);
        replicas.forEach(Replica::close);
    }

    /** Whether any replica is configured: without one, reads go to the primary without asking anything. */
    boolean any() {
        return !replicas.isEmpty();
    }

    List<Replica> all() {
        return replicas;
    }

    /**
     * A replica that may serve a read that must see the WAL position {@code position} (0: any position), taking
     * turns among those that qualify; null when none does.
     */
    Replica choose(long position) {
        int count = replicas.size();
        int start = Math.floorMod(next.getAndIncrement(), count);
        for (int i = 0; i < count; i++) {
            Replica replica = replicas.get((start + i) % count);
            if (replica.replayed() >= position && usable(replica)) {
                return replica;
            }
        }
        return null;
    }

    /** Whether a server whose check answered {@code check} ({@link Replica#CHECK}) may serve a read that must see {@code position}. */
    boolean serves(Row check, long position) {
        Long replayed = check.getLong("replayed");
        return Boolean.TRUE.equals(check.getBoolean("recovering")) && replayed != null && replayed >= position
                && primary.lagNanos(replayed, System.nanoTime()) <= maxLagNanos;
    }

    private boolean usable(Replica replica) {
        return replica.serving() && primary.lagNanos(replica.replayed(), System.nanoTime()) <= maxLagNanos;
    }

    private double lagSeconds(Replica replica) {
        long lag = primary.lagNanos(replica.replayed(), System.nanoTime());
        return lag == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : lag / 1e9;
    }

    private void check(Replica replica) {
        replica.check(checkTimeoutMillis, failure -> {
            if (failure != null) {
                inFlight.failAllOn(replica.pool());
            }
            boolean now = usable(replica);
            if (!replica.reportUsable(now)) {
                return;
            }
            if (!now) {
                LOG.warnf("Read replica %s skipped: %s; its reads go to the primary", replica.name(), failure != null
                        ? "not answering its check (" + failure.getMessage() + ")"
                        : !replica.serving() ? "not in recovery (promoted, or not a standby)"
                        : "more than READ_MAX_LAG behind the primary");
            } else {
                LOG.infof("Read replica %s in use: answering and within READ_MAX_LAG", replica.name());
            }
        });
    }
}

package dev.ballast.protection;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How far behind each event loop is: an estimate of how long a request has waited before its first handler
 * runs. Vert.x does not record when a request's bytes arrived, and the time they spent in the socket buffer
 * while the loop was busy with other work is exactly the wait we want to bound. So each loop runs a small
 * task every {@code interval}. Netty handles ready connections before due tasks, so while a loop is behind,
 * the task is overdue when a request is handled, and by how much says how long the loop has been busy
 * since it last caught up: the request's bytes, readable meanwhile, waited about that long. Once the task
 * has run, the loop has caught up and later requests count from there. It includes time the loop's thread
 * spent off the CPU; it cannot see a request that waited behind others on its own connection.
 */
final class EventLoopLag {

    private final List<Probe> probes = new ArrayList<>();
    private final long intervalNanos;

    EventLoopLag(Iterable<EventExecutor> loops, long intervalNanos) {
        this.intervalNanos = intervalNanos;
        for (EventExecutor loop : loops) {
            Probe probe = new Probe(loop);
            probes.add(probe);
            loop.execute(probe::tick);
        }
    }

    /** The estimated wait of a request being handled now on the calling event loop, in nanoseconds (0 off a loop). */
    long currentDelay(long now) {
        for (Probe probe : probes) {
            if (probe.loop.inEventLoop()) {
                return Math.max(0, now - probe.dueAt);
            }
        }
        return 0;
    }

    /** The largest lag last measured on any loop, in nanoseconds: for the metric. */
    long maxLag() {
        return probes.stream().mapToLong(probe -> probe.lastLag).max().orElse(0);
    }

    private final class Probe {
        final EventExecutor loop;
        volatile long dueAt = Long.MAX_VALUE;
        volatile long lastLag;

        Probe(EventExecutor loop) {
            this.loop = loop;
        }

        void tick() {
            long now = System.nanoTime();
            lastLag = dueAt == Long.MAX_VALUE ? 0 : Math.max(0, now - dueAt);
            dueAt = now + intervalNanos;
            if (!loop.isShuttingDown()) {
                loop.schedule(this::tick, intervalNanos, TimeUnit.NANOSECONDS);
            }
        }
    }
}

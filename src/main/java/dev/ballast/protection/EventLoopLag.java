package dev.ballast.protection;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How far behind each event loop is: an estimate of how long a request has waited before its first handler
 * runs. Vert.x does not record when a request's bytes arrived, and the time they spent in the socket buffer
 * while the loop was busy with other work is exactly the wait we want to bound. So each loop runs a small
 * task every {@code interval}. A request handled on a loop is taken to have waited the larger of: how
 * overdue that task is now (the loop has been busy at least that long: Netty reads ready connections before
 * running due tasks, so bytes that arrived meanwhile waited about that long), and how late the task ran last
 * time, until it runs again. The second matters for new connections: a connection accepted while its loop
 * was stuck is registered by a task in the same batch as the overdue probe, so its first request is read
 * just after the probe ran, having waited the whole stall. It is conservative for a request that arrives in
 * the {@code interval} after a stall (it is refused though it did not wait), and it includes time the loop's
 * thread spent off the CPU; it cannot see a request that waited behind others on its own connection.
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
                return Math.max(probe.lastLag, now - probe.dueAt);
            }
        }
        return 0;
    }

    /** The largest lag last measured on any loop, in nanoseconds. */
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

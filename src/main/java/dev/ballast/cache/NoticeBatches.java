package dev.ballast.cache;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Cache notices on their way out, coalesced: the first notice to arrive when none waits and none is being sent
 * waits a few milliseconds for the others of that moment, then they all go in one statement; the notices that
 * arrive while a batch is being sent wait for it, then go together the same way. One statement at a time, so a busy
 * replica sends a batch per round trip instead of a notice per write, and takes Postgres' notify lock (one for the
 * whole database, held by each notifying commit through its WAL flush) once per batch. At most {@code maxWaiting}
 * notices wait: past that, while the database does not answer, new ones are dropped (and counted).
 */
final class NoticeBatches {

    private final int maxBatch;
    private final int maxWaiting;
    private final Consumer<Runnable> afterCoalescing;
    private final Function<List<String>, Uni<Void>> send;
    private final Runnable dropped;
    private final Queue<String> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waitingCount = new AtomicInteger();
    /** A batch is about to go (its coalescing delay running) or on its way. */
    private final AtomicBoolean busy = new AtomicBoolean();

    /**
     * @param maxBatch the most notices in one statement
     * @param maxWaiting the most notices waiting to be sent
     * @param afterCoalescing runs its task after the coalescing delay
     * @param send sends one batch; its Uni completes when the batch is committed or has failed, and never fails
     * @param dropped counts a notice dropped because too many wait
     */
    NoticeBatches(int maxBatch, int maxWaiting, Consumer<Runnable> afterCoalescing, Function<List<String>, Uni<Void>> send,
                  Runnable dropped) {
        this.maxBatch = maxBatch;
        this.maxWaiting = maxWaiting;
        this.afterCoalescing = afterCoalescing;
        this.send = send;
        this.dropped = dropped;
    }

    void add(String payload) {
        if (waitingCount.incrementAndGet() > maxWaiting) {
            waitingCount.decrementAndGet();
            dropped.run();
            return;
        }
        waiting.add(payload);
        sendSoon();
    }

    /** Whether nothing waits and nothing is on its way. */
    boolean idle() {
        return !busy.get() && waiting.isEmpty();
    }

    /** Schedules the next batch, unless one is scheduled or on its way: when that one completes, it schedules the next. */
    private void sendSoon() {
        if (!waiting.isEmpty() && busy.compareAndSet(false, true)) {
            afterCoalescing.accept(this::sendWaiting);
        }
    }

    private void sendWaiting() {
        List<String> batch = new ArrayList<>();
        for (String next; batch.size() < maxBatch && (next = waiting.poll()) != null; ) {
            waitingCount.decrementAndGet();
            batch.add(next);
        }
        if (batch.isEmpty()) {
            sent();
            return;
        }
        send.apply(batch).subscribe().with(done -> sent(), failure -> sent());
    }

    private void sent() {
        busy.set(false);
        sendSoon();
    }
}

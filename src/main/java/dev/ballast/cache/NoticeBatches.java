package dev.ballast.cache;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Cache notices on their way out, sent by one statement at a time: a notice added while none is being sent goes
 * at once, alone; the notices added while one is being sent wait for it, then go together. So a quiet replica
 * sends each notice right away, and a busy one sends a batch per round trip instead of a notice per write: every
 * transaction that notifies takes Postgres' one notify lock at commit, and notifying commits run one at a time.
 */
final class NoticeBatches {

    private final int maxBatch;
    private final Function<List<String>, Uni<Void>> send;
    private final Queue<String> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sending = new AtomicBoolean();

    /**
     * @param maxBatch the most notices in one statement
     * @param send sends one batch; its Uni completes when the batch is committed or has failed, and never fails
     */
    NoticeBatches(int maxBatch, Function<List<String>, Uni<Void>> send) {
        this.maxBatch = maxBatch;
        this.send = send;
    }

    void add(String payload) {
        waiting.add(payload);
        sendWaiting();
    }

    /** Sends what waits, unless a batch is on its way: when that one completes, it sends what waits then. */
    private void sendWaiting() {
        while (!waiting.isEmpty() && sending.compareAndSet(false, true)) {
            List<String> batch = new ArrayList<>();
            for (String next; batch.size() < maxBatch && (next = waiting.poll()) != null; ) {
                batch.add(next);
            }
            if (batch.isEmpty()) { // another thread took them between the check and the flag
                sending.set(false);
                continue;
            }
            send.apply(batch).subscribe().with(done -> sent(), failure -> sent());
            return;
        }
    }

    private void sent() {
        sending.set(false);
        sendWaiting();
    }
}

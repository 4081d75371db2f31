package dev.ballast.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Notices wait a moment for the others of that moment, then go in one statement, one statement at a time; a
 * database that does not answer holds back a bounded number of them.
 */
class NoticeBatchesTest {

    private final List<List<String>> batches = new ArrayList<>();
    private final List<CompletableFuture<Void>> statements = new ArrayList<>();
    /** The coalescing delays running: each task runs when the test says the delay has passed. */
    private final List<Runnable> delays = new ArrayList<>();
    private final AtomicInteger dropped = new AtomicInteger();
    private final NoticeBatches notices = new NoticeBatches(3, 5, delays::add, batch -> {
        batches.add(List.copyOf(batch));
        CompletableFuture<Void> statement = new CompletableFuture<>();
        statements.add(statement);
        return Uni.createFrom().completionStage(statement);
    }, dropped::incrementAndGet);

    private void delayPasses() {
        assertEquals(1, delays.size(), "one coalescing delay running");
        delays.remove(0).run();
    }

    @Test
    void theNoticesOfOneMomentGoTogetherAfterTheDelay() {
        notices.add("a");
        notices.add("b");
        assertEquals(List.of(), batches, "nothing sent before the delay");
        delayPasses();
        assertEquals(List.of(List.of("a", "b")), batches);
        statements.get(0).complete(null);
        assertTrue(notices.idle());
        assertTrue(delays.isEmpty(), "nothing left to send");
    }

    @Test
    void theNoticesAddedWhileABatchIsOnItsWayGoTogetherAfterIt() {
        notices.add("a");
        delayPasses();
        notices.add("b");
        notices.add("c");
        notices.add("d");
        notices.add("e");
        assertTrue(delays.isEmpty(), "one statement at a time");
        statements.get(0).complete(null);
        delayPasses();
        assertEquals(List.of(List.of("a"), List.of("b", "c", "d")), batches, "at most 3 in one");
        statements.get(1).complete(null);
        delayPasses();
        assertEquals(List.of(List.of("a"), List.of("b", "c", "d"), List.of("e")), batches);
        statements.get(2).complete(null);
        assertTrue(notices.idle());
    }

    @Test
    void aFailedBatchDoesNotHoldBackTheNext() {
        notices.add("a");
        delayPasses();
        notices.add("b");
        statements.get(0).completeExceptionally(new IllegalStateException("database gone"));
        delayPasses();
        assertEquals(List.of(List.of("a"), List.of("b")), batches);
    }

    @Test
    void whileTheDatabaseDoesNotAnswerAtMostSoManyNoticesWait() {
        notices.add("a");
        delayPasses();
        for (int i = 0; i < 7; i++) {
            notices.add("waiting " + i);
        }
        assertEquals(2, dropped.get(), "5 wait, 2 dropped");
        assertFalse(notices.idle());
        statements.get(0).complete(null);
        delayPasses();
        statements.get(1).complete(null);
        delayPasses();
        statements.get(2).complete(null);
        assertEquals(List.of(List.of("a"), List.of("waiting 0", "waiting 1", "waiting 2"), List.of("waiting 3", "waiting 4")), batches);
        assertTrue(notices.idle());
    }
}

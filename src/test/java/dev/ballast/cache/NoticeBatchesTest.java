package dev.ballast.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A quiet replica sends each notice at once; a busy one sends what waits as one batch per statement. */
class NoticeBatchesTest {

    private final List<List<String>> batches = new ArrayList<>();
    private final List<CompletableFuture<Void>> statements = new ArrayList<>();
    private final NoticeBatches notices = new NoticeBatches(3, batch -> {
        batches.add(List.copyOf(batch));
        CompletableFuture<Void> statement = new CompletableFuture<>();
        statements.add(statement);
        return Uni.createFrom().completionStage(statement);
    });

    @Test
    void aNoticeGoesAtOnceWhenNoneIsOnItsWay() {
        notices.add("a");
        assertEquals(List.of(List.of("a")), batches);
        statements.get(0).complete(null);
        notices.add("b");
        assertEquals(List.of(List.of("a"), List.of("b")), batches);
    }

    @Test
    void theNoticesAddedWhileOneIsOnItsWayGoTogetherAfterIt() {
        notices.add("a");
        notices.add("b");
        notices.add("c");
        notices.add("d");
        notices.add("e");
        assertEquals(List.of(List.of("a")), batches, "one statement at a time");
        statements.get(0).complete(null);
        assertEquals(List.of(List.of("a"), List.of("b", "c", "d")), batches, "at most 3 in one");
        statements.get(1).complete(null);
        assertEquals(List.of(List.of("a"), List.of("b", "c", "d"), List.of("e")), batches);
        statements.get(2).complete(null);
        assertEquals(3, batches.size(), "nothing left to send");
    }

    @Test
    void aFailedBatchDoesNotHoldBackTheNext() {
        notices.add("a");
        notices.add("b");
        statements.get(0).completeExceptionally(new IllegalStateException("database gone"));
        assertEquals(List.of(List.of("a"), List.of("b")), batches);
        statements.get(1).complete(null);
        notices.add("c");
        assertEquals(List.of(List.of("a"), List.of("b"), List.of("c")), batches);
    }
}

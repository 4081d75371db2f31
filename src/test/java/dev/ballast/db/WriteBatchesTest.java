package dev.ballast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.junit.jupiter.api.Test;

/** How calls of one write statement are grouped into batches, and what each caller gets back. */
class WriteBatchesTest {

    /** A statement's own error caused by one call (as a constraint violation is). */
    static final class CallsFault extends RuntimeException {
        CallsFault(String argument) {
            super("cannot store " + argument);
        }
    }

    /** Holds every batch it is given until the test ends it; a batch holding "bad" fails with CallsFault. */
    static final class HeldRunner implements WriteBatches.Runner<String, String> {
        final List<List<String>> batches = new ArrayList<>();
        private final List<UniEmitter<? super List<String>>> running = new ArrayList<>();

        @Override
        public Uni<List<String>> run(List<String> arguments) {
            return Uni.createFrom().emitter(emitter -> {
                batches.add(arguments);
                running.add(emitter);
            });
        }

        /** Ends the oldest running batch: each call's result is its argument in capitals. */
        void endOldest() {
            List<String> batch = batches.get(batches.size() - running.size());
            UniEmitter<? super List<String>> emitter = running.remove(0);
            if (batch.contains("bad")) {
                emitter.fail(new CallsFault("bad"));
            } else {
                emitter.complete(batch.stream().map(argument -> argument.toUpperCase(Locale.ROOT)).toList());
            }
        }

        void fail(RuntimeException failure) {
            running.remove(0).fail(failure);
        }
    }

    private final HeldRunner runner = new HeldRunner();
    private final AtomicInteger refusals = new AtomicInteger();
    private final AtomicInteger splits = new AtomicInteger();

    private WriteBatches<String, String> batches(int maxSize, int concurrency, int maxWaiting) {
        return new WriteBatches<>(runner, Comparator.naturalOrder(), failure -> failure instanceof CallsFault,
                maxSize, concurrency, maxWaiting, new WriteBatches.Meters(size -> { }, refusals::incrementAndGet, splits::incrementAndGet));
    }

    private static UniAssertSubscriber<String> call(WriteBatches<String, String> batches, String argument) {
        return batches.execute(argument).subscribe().withSubscriber(UniAssertSubscriber.create());
    }

    @Test
    void aCallThatFindsASlotFreeRunsAtOnceAlone() {
        WriteBatches<String, String> batches = batches(16, 2, 64);
        UniAssertSubscriber<String> first = call(batches, "first");
        UniAssertSubscriber<String> second = call(batches, "second");

        assertEquals(List.of(List.of("first"), List.of("second")), runner.batches);
        runner.endOldest();
        runner.endOldest();
        first.assertItem("FIRST");
        second.assertItem("SECOND");
    }

    @Test
    void callsThatWaitForTheSlotGoTogetherInOrderEachWithItsOwnResult() {
        WriteBatches<String, String> batches = batches(16, 1, 64);
        UniAssertSubscriber<String> first = call(batches, "first");
        UniAssertSubscriber<String> carol = call(batches, "carol");
        UniAssertSubscriber<String> alice = call(batches, "alice");
        UniAssertSubscriber<String> bob = call(batches, "bob");
        assertEquals(List.of(List.of("first")), runner.batches);

        runner.endOldest();
        first.assertItem("FIRST");
        assertEquals(List.of("alice", "bob", "carol"), runner.batches.get(1));
        carol.assertNotTerminated();

        runner.endOldest();
        alice.assertItem("ALICE");
        bob.assertItem("BOB");
        carol.assertItem("CAROL");
    }

    @Test
    void aBatchTakesAtMostTheMaximumAndTheRestGoNext() {
        WriteBatches<String, String> batches = batches(2, 1, 64);
        call(batches, "a");
        List<UniAssertSubscriber<String>> waiting = List.of(call(batches, "b"), call(batches, "c"), call(batches, "d"));

        runner.endOldest();
        runner.endOldest();
        runner.endOldest();
        assertEquals(List.of(List.of("a"), List.of("b", "c"), List.of("d")), runner.batches);
        waiting.get(2).assertItem("D");
    }

    @Test
    void aBatchFailedByOneCallRunsEachCallAgainAloneAndOnlyThatOneFails() {
        WriteBatches<String, String> batches = batches(16, 1, 64);
        call(batches, "first");
        UniAssertSubscriber<String> good = call(batches, "good");
        UniAssertSubscriber<String> bad = call(batches, "bad");
        runner.endOldest();
        runner.endOldest();
        assertEquals(List.of(List.of("first"), List.of("bad", "good"), List.of("bad"), List.of("good")), runner.batches);
        runner.endOldest();
        runner.endOldest();
        bad.assertFailedWith(CallsFault.class, "cannot store bad");
        good.assertItem("GOOD");
        assertEquals(1, splits.get());
    }

    @Test
    void aFailureNotOfOneCallFailsEveryCallOfTheBatchWithoutRunningThemAgain() {
        WriteBatches<String, String> batches = batches(16, 1, 64);
        call(batches, "first");
        List<UniAssertSubscriber<String>> batched = List.of(call(batches, "one"), call(batches, "two"));
        runner.endOldest();
        runner.fail(new DatabaseUnavailableException("statement timeout"));

        batched.forEach(call -> call.assertFailedWith(DatabaseUnavailableException.class, "statement timeout"));
        assertEquals(2, runner.batches.size());
        assertEquals(0, splits.get());
    }

    @Test
    void pastTheQueueACallIsRefusedAtOnceAndCounted() {
        WriteBatches<String, String> batches = batches(16, 1, 2);
        call(batches, "running");
        UniAssertSubscriber<String> waiting = call(batches, "waiting");
        call(batches, "waiting too");
        UniAssertSubscriber<String> refused = call(batches, "refused");

        Throwable failure = refused.awaitFailure().getFailure();
        assertInstanceOf(BulkheadException.class, failure);
        assertEquals(1, refusals.get());
        runner.endOldest();
        runner.endOldest();
        waiting.assertItem("WAITING");
        assertEquals(2, runner.batches.size());
    }
}

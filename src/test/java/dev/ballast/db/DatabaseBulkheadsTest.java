package dev.ballast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.SmallPoolAndCacheLimitsProfile;
import dev.ballast.TestSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The database bulkheads on their own (no database): how many run, how many wait, and for how long. Their guards
 * need the application's fault tolerance, hence the application start: {@link SmallPoolAndCacheLimitsProfile}'s,
 * whose fault tolerance metrics are off (the bulkheads built here carry the application's names).
 */
@QuarkusTest
@TestProfile(SmallPoolAndCacheLimitsProfile.class)
class DatabaseBulkheadsTest {

    private static final long QUEUE_WAIT_MILLIS = 300;
    /** For the cases where giving up must not happen, however slow the machine. */
    private static final long LONG_WAIT_MILLIS = 60_000;

    @Inject
    Vertx vertx;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<UniEmitter<? super String>> running = new ArrayList<>();

    /** A pool of 4: reads may hold 3 with 3 waiting, writes 2 with 2 waiting. */
    private DatabaseBulkheads bulkheads(long queueWaitMillis) {
        return new DatabaseBulkheads(vertx, registry, 4,
                TestSettings.of(BulkheadSettings.class, Map.of("ballast.bulkhead.reads", "0", "ballast.bulkhead.writes", "0",
                        "ballast.bulkhead.queue-factor", "1")),
                TestSettings.of(DatabaseSettings.class, Map.of("ballast.db.acquire-timeout-ms", Long.toString(queueWaitMillis))));
    }

    /** Work that holds its permit until the test completes it. */
    private Uni<String> held() {
        return Uni.createFrom().emitter(running::add);
    }

    /** Ends the work still holding permits; the calls waiting behind it run and end too. */
    @AfterEach
    void endHeldWork() {
        while (!running.isEmpty()) {
            running.remove(0).complete("done");
        }
    }

    private static UniAssertSubscriber<String> subscribe(Uni<String> call) {
        return call.subscribe().withSubscriber(UniAssertSubscriber.create());
    }

    @Test
    void aFullBulkheadRejectsAtOnceWhileWritesStillRun() {
        DatabaseBulkheads bulkheads = bulkheads(LONG_WAIT_MILLIS);
        List<UniAssertSubscriber<String>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(subscribe(bulkheads.reading(this::held)));
        }
        calls.forEach(UniAssertSubscriber::assertNotTerminated);

        assertInstanceOf(BulkheadException.class, subscribe(bulkheads.reading(this::held)).getFailure());
        subscribe(bulkheads.writing(() -> Uni.createFrom().item("written"))).assertItem("written");
        assertEquals(1.0, registry.get("ballast.rejections").tag("bulkhead", "db-reads").counter().count());
    }

    @Test
    void aPermitIsGivenBackWhenTheWorkEnds() {
        DatabaseBulkheads bulkheads = bulkheads(LONG_WAIT_MILLIS);
        for (int i = 0; i < 10; i++) {
            subscribe(bulkheads.reading(() -> Uni.createFrom().item("done"))).assertItem("done");
        }
    }

    @Test
    void aCallWaitsForAPermitNoLongerThanTheAcquireTimeoutAndItsWorkNeverRuns() {
        DatabaseBulkheads bulkheads = bulkheads(QUEUE_WAIT_MILLIS);
        for (int i = 0; i < 3; i++) {
            subscribe(bulkheads.reading(this::held));
        }
        AtomicBoolean ran = new AtomicBoolean();
        long start = System.nanoTime();
        UniAssertSubscriber<String> waiting = subscribe(bulkheads.reading(() -> {
            ran.set(true);
            return Uni.createFrom().item("late");
        }));

        waiting.awaitFailure(Duration.ofSeconds(10));
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertInstanceOf(DatabaseUnavailableException.class, waiting.getFailure());
        assertTrue(DatabaseFailures.isUnavailable(waiting.getFailure()), "answered as a busy database (503)");
        assertTrue(waitedMillis >= QUEUE_WAIT_MILLIS, "gave up after " + waitedMillis + " ms");
        assertEquals(1.0, registry.get("ballast.db.calls.failed").tag("reason", "bulkhead-wait").counter().count());

        // The permits come back: the one that gave up ends at once, and the next call runs.
        endHeldWork();
        subscribe(bulkheads.reading(() -> Uni.createFrom().item("next"))).awaitItem(Duration.ofSeconds(5)).assertItem("next");
        assertFalse(ran.get(), "the call that gave up did not run its work later");
    }

    @Test
    void aWaitingCallThatIsCancelledNeverRunsItsWork() {
        DatabaseBulkheads bulkheads = bulkheads(LONG_WAIT_MILLIS);
        for (int i = 0; i < 3; i++) {
            subscribe(bulkheads.reading(this::held));
        }
        AtomicBoolean ran = new AtomicBoolean();
        UniAssertSubscriber<String> waiting = subscribe(bulkheads.reading(() -> {
            ran.set(true);
            return Uni.createFrom().item("abandoned");
        }));
        waiting.cancel();

        endHeldWork();
        subscribe(bulkheads.reading(() -> Uni.createFrom().item("next"))).awaitItem(Duration.ofSeconds(5)).assertItem("next");
        assertFalse(ran.get(), "a cancelled call did not run its work");
        assertEquals(0.0, registry.get("ballast.db.calls.failed").tag("reason", "bulkhead-wait").counter().count());
    }

    @Test
    void aCallThatGetsAPermitInTimeRunsNormally() {
        DatabaseBulkheads bulkheads = bulkheads(LONG_WAIT_MILLIS);
        for (int i = 0; i < 3; i++) {
            subscribe(bulkheads.reading(this::held));
        }
        UniAssertSubscriber<String> waiting = subscribe(bulkheads.reading(() -> Uni.createFrom().item("served")));
        waiting.assertNotTerminated();
        running.get(0).complete("done");
        waiting.awaitItem(Duration.ofSeconds(5)).assertItem("served");
    }
}

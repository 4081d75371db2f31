package dev.ballast.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(BulkheadsTest.WithoutGuardMetrics.class)
class BulkheadsTest {

    /**
     * The bulkheads built here carry the same names as the application's own: their fault tolerance metrics would
     * be registered a second time (Micrometer warns). This test checks rejections through its own registry.
     */
    public static class WithoutGuardMetrics implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.fault-tolerance.metrics.enabled", "false");
        }
    }

    /** Work that holds its permit until the test ends. */
    private static Uni<String> forever() {
        return Uni.createFrom().nothing();
    }

    @Test
    void aFullBulkheadRejectsAtOnceWhileTheOtherKindStillRuns() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // Pool of 4: reads may hold 3 with 3 waiting, writes 2 with 2 waiting.
        Bulkheads bulkheads = new Bulkheads(registry, 4, 0, 0, 1);
        List<UniAssertSubscriber<String>> held = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            held.add(bulkheads.reading(BulkheadsTest::forever).subscribe().withSubscriber(UniAssertSubscriber.create()));
        }
        held.forEach(UniAssertSubscriber::assertNotTerminated);

        UniAssertSubscriber<String> rejected =
                bulkheads.reading(BulkheadsTest::forever).subscribe().withSubscriber(UniAssertSubscriber.create());
        assertInstanceOf(BulkheadException.class, rejected.getFailure());

        bulkheads.writing(() -> Uni.createFrom().item("written")).subscribe().withSubscriber(UniAssertSubscriber.create())
                .assertItem("written");
        assertEquals(1.0, registry.get("ballast.rejections").tag("bulkhead", "db-reads").counter().count());
    }

    @Test
    void aPermitIsGivenBackWhenTheWorkEnds() {
        Bulkheads bulkheads = new Bulkheads(new SimpleMeterRegistry(), 2, 1, 1, 1);
        for (int i = 0; i < 10; i++) {
            bulkheads.reading(() -> Uni.createFrom().item("done")).subscribe().withSubscriber(UniAssertSubscriber.create())
                    .assertItem("done");
        }
    }
}

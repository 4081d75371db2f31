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
public class BulkheadsTest {

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
    void aFullBulkheadRejectsAtOnce() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // One hashing thread with one waiting place.
        Bulkheads bulkheads = new Bulkheads(registry, 1, 1);
        List<UniAssertSubscriber<String>> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            held.add(bulkheads.hashing(BulkheadsTest::forever).subscribe().withSubscriber(UniAssertSubscriber.create()));
        }
        held.forEach(UniAssertSubscriber::assertNotTerminated);

        UniAssertSubscriber<String> rejected =
                bulkheads.hashing(BulkheadsTest::forever).subscribe().withSubscriber(UniAssertSubscriber.create());
        assertInstanceOf(BulkheadException.class, rejected.getFailure());
        assertEquals(1.0, registry.get("ballast.rejections").tag("bulkhead", "password-hashing").counter().count());
    }

    @Test
    void aPermitIsGivenBackWhenTheWorkEnds() {
        Bulkheads bulkheads = new Bulkheads(new SimpleMeterRegistry(), 1, 1);
        for (int i = 0; i < 10; i++) {
            bulkheads.hashing(() -> Uni.createFrom().item("done")).subscribe().withSubscriber(UniAssertSubscriber.create())
                    .assertItem("done");
        }
    }
}

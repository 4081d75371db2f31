package dev.ballast.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ballast.TestSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class AuthBudgetsTest {

    private final AuthBudgets budgets = new AuthBudgets(new SimpleMeterRegistry(),
            TestSettings.of(RateLimitSettings.class, Map.of("ballast.rate-limit.auth-per-minute", "100")));

    private String change(long account, Uni<String> work) {
        return budgets.onePasswordChangeAtATime(account, () -> work).await().indefinitely();
    }

    @Test
    void anAccountChangesItsPasswordOneRequestAtATime() {
        CompletableFuture<String> hashing = new CompletableFuture<>();
        CompletionStage<String> first = budgets.onePasswordChangeAtATime(7, () -> Uni.createFrom().completionStage(hashing))
                .subscribeAsCompletionStage();

        TooManyRequests refused = assertThrows(TooManyRequests.class, () -> change(7, Uni.createFrom().item("second")));
        assertEquals(1_000, refused.retryAfterMillis(), "refused at once, not queued behind the first");
        assertEquals("other account", change(8, Uni.createFrom().item("other account")));

        hashing.complete("first");
        assertEquals("first", first.toCompletableFuture().join());
        assertEquals("third", change(7, Uni.createFrom().item("third")), "the first has ended");
    }

    @Test
    void aFailedOrRefusedChangeFreesTheAccountsTurn() {
        assertThrows(IllegalStateException.class, () -> change(9, Uni.createFrom().failure(new IllegalStateException("failed"))));
        assertThrows(TooManyRequests.class, () -> budgets.onePasswordChangeAtATime(9, () -> {
            throw new TooManyRequests(3, 1_000); // over its budget, before any hash
        }).await().indefinitely());
        assertEquals("after both", change(9, Uni.createFrom().item("after both")));
    }
}

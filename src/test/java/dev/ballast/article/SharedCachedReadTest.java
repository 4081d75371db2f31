package dev.ballast.article;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.ballast.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Anonymous callers of the same cached read wait on one load. One of them going away (its client resets
 * the request, as in the slow-query burst run of bench/faults.sh) must not fail the others: the cached
 * read's shared future used to be cancelled with the first caller, failing every other one with a
 * {@code CancellationException} answered 500.
 */
@QuarkusTest
class SharedCachedReadTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    ArticleRepository articles;

    @Inject
    Pool pool;

    @Inject
    Vertx vertx;

    @Test
    void aCallerGoingAwayDoesNotFailOthersWaitingOnTheSameCachedList() throws Exception {
        String tag = Api.uniqueName("shared");
        SqlConnection locker = pool.getConnection().await().atMost(WAIT);
        try {
            Transaction transaction = locker.begin().await().atMost(WAIT);
            // Holds the load in the database until both callers wait on it.
            locker.query("lock table articles in access exclusive mode").execute().await().atMost(WAIT);
            CompletableFuture<Object> firstOutcome = new CompletableFuture<>();
            CompletableFuture<Object> secondOutcome = new CompletableFuture<>();
            Cancellable first = listOnRequestContext(tag, firstOutcome);
            listOnRequestContext(tag, secondOutcome);

            first.cancel();
            transaction.commit().await().atMost(WAIT);

            Object second = secondOutcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertInstanceOf(ArticlesResponse.class, second, "the second caller got " + second);
            assertEquals(0, ((ArticlesResponse) second).articlesCount());
        } finally {
            locker.close().await().atMost(WAIT);
        }
    }

    /** Subscribes, as the resource does for an anonymous caller, on a request's own (duplicated) context. */
    private Cancellable listOnRequestContext(String tag, CompletableFuture<Object> outcome) throws Exception {
        CompletableFuture<Cancellable> subscription = new CompletableFuture<>();
        VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext()).runOnContext(ignored -> subscription.complete(
                articles.sharedList(tag, null, null, 20, 0)
                        .subscribe().with(outcome::complete, outcome::complete)));
        return subscription.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}

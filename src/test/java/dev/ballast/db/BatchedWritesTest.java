package dev.ballast.db;

import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.Api.Account;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Writes that arrive together run together (one transaction, one round trip: {@link WriteBatches}); each caller
 * still gets the answer its own write alone would have given, and one call's bad value fails that call alone.
 * Whether calls meet in a batch depends on timing, so each test repeats its burst until one did (the metrics
 * tell), checking every burst's answers.
 */
@QuarkusTest
class BatchedWritesTest {

    private static final int WRITERS = 16;
    private static final int MAX_BURSTS = 6;
    private static final List<Account> writers = new ArrayList<>();
    private static ExecutorService threads;

    @Inject
    MeterRegistry registry;

    @BeforeAll
    static void threads() {
        threads = Executors.newFixedThreadPool(WRITERS);
    }

    @BeforeEach
    void writers() {
        while (writers.size() < WRITERS) {
            writers.add(register("batched"));
        }
    }

    @AfterAll
    static void stop() {
        threads.shutdownNow();
    }

    @Test
    void concurrentFavoritesOfOneArticleEachSeeTheCountTheirOwnFavoriteMade() throws Exception {
        DistributionSummary batches = registry.summary("ballast.db.write.batch.size", "statement", "article.favorite");
        for (int burst = 1; ; burst++) {
            double batchedBefore = batches.totalAmount() - batches.count();
            String slug = createArticle(writers.get(0), "Favorited at once " + burst, List.of());

            List<Response> answers = all(writers.stream().<Callable<Response>>map(writer ->
                    () -> writer.as().post("/api/articles/" + slug + "/favorite")).toList());

            Set<Integer> counts = new HashSet<>();
            for (Response answer : answers) {
                assertEquals(200, answer.statusCode(), answer.asString());
                assertEquals(Boolean.TRUE, answer.path("article.favorited"));
                counts.add(answer.path("article.favoritesCount"));
            }
            // One after the other, in a batch or not: the counts the answers show are 1, 2, ... each once.
            assertEquals(IntStream.rangeClosed(1, WRITERS).boxed().collect(Collectors.toSet()), counts);
            assertEquals(WRITERS, (int) anonymous().get("/api/articles/" + slug).path("article.favoritesCount"));
            if (batches.totalAmount() - batches.count() > batchedBefore) {
                return;
            }
            assertTrue(burst < MAX_BURSTS, MAX_BURSTS + " bursts of concurrent favorites and none ran in a batch");
        }
    }

    @Test
    void aCommentThatCannotBeStoredFailsAloneAndTheOthersOfItsBatchAreWritten() throws Exception {
        Counter splits = registry.counter("ballast.db.write.batch.split", "statement", "comment.add");
        for (int burst = 1; ; burst++) {
            double splitBefore = splits.count();
            String slug = createArticle(writers.get(0), "Commented at once " + burst, List.of());
            String name = "burst " + burst;
            List<String> bodies = IntStream.range(0, WRITERS)
                    .mapToObj(i -> i == WRITERS / 2 ? "nul \u0000 inside" : "comment " + i + " of " + name).toList();

            List<Response> answers = all(IntStream.range(0, WRITERS).<Callable<Response>>mapToObj(i -> () -> writers.get(i).as()
                    .body(Map.of("comment", Map.of("body", bodies.get(i)))).post("/api/articles/" + slug + "/comments")).toList());

            for (int i = 0; i < WRITERS; i++) {
                Response answer = answers.get(i);
                if (i == WRITERS / 2) {
                    assertEquals(422, answer.statusCode(), answer.asString());
                    assertEquals(List.of("request contains a value that cannot be stored (such as a NUL character)"),
                            answer.path("errors.body"));
                } else {
                    assertEquals(200, answer.statusCode(), answer.asString());
                    assertEquals(bodies.get(i), answer.path("comment.body"));
                    assertEquals(writers.get(i).username(), answer.path("comment.author.username"));
                }
            }
            List<String> stored = anonymous().get("/api/articles/" + slug + "/comments").path("comments.body");
            Set<String> good = bodies.stream().filter(body -> !body.contains("\u0000")).collect(Collectors.toSet());
            assertEquals(good, new HashSet<>(stored));
            assertEquals(WRITERS - 1, stored.size());
            if (splits.count() > splitBefore) {
                return;
            }
            assertTrue(burst < MAX_BURSTS, MAX_BURSTS + " bursts and the bad comment never shared a batch");
        }
    }

    /** Runs the calls at once (as nearly as threads can) and returns their answers in order. */
    private static List<Response> all(List<Callable<Response>> calls) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> answers = new ArrayList<>();
        for (Callable<Response> call : calls) {
            answers.add(threads.submit(() -> {
                start.await();
                return call.call();
            }));
        }
        start.countDown();
        List<Response> done = new ArrayList<>();
        for (Future<Response> answer : answers) {
            done.add(answer.get());
        }
        return done;
    }
}

package dev.ballast.article;

import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.register;
import static dev.ballast.Api.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.Api.Account;
import dev.ballast.SizedData;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The counters behind articlesCount (V8 triggers) equal the true counts after a burst of concurrent
 * writes through the API: articles created with shared tags, favorited, unfavorited and deleted at once.
 */
@QuarkusTest
class CounterDriftTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void noCounterDriftsAfterConcurrentWritesAndDeletes() throws Exception {
        List<String> tags = List.of(uniqueName("hot"), uniqueName("warm"), uniqueName("cold"));
        List<Account> writers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            writers.add(register("drift"));
        }
        List<String> shared = new ArrayList<>();
        for (Account writer : writers) {
            shared.add(createArticle(writer, "Shared by " + writer.username(), tags));
        }
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(writers.size());
        try {
            List<Future<?>> bursts = new ArrayList<>();
            for (int i = 0; i < writers.size(); i++) {
                Account writer = writers.get(i);
                String mine = shared.get(i);
                bursts.add(pool.submit(() -> burst(writer, mine, tags, shared, failures)));
            }
            for (Future<?> burst : bursts) {
                burst.get();
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(failures.isEmpty(), "unexpected statuses: " + failures);
        assertEquals("0", SizedData.value(dataSource, SizedData.DRIFTED_COUNTERS), "counters that differ from the true count");
    }

    /**
     * One writer: creates articles with the shared tags, favorites and unfavorites the shared articles, deletes
     * some of its own, and at last its shared article with the favorites it has (others' favorites of it may then
     * find it gone: 404).
     */
    private static void burst(Account writer, String mine, List<String> tags, List<String> shared,
                              ConcurrentLinkedQueue<String> failures) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<String> own = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int status;
            switch (random.nextInt(4)) {
                case 0 -> {
                    var response = writer.as().body(Map.of("article", Map.of("title", "Burst " + uniqueName("t"),
                                    "description", "d", "body", "b", "tagList", tags.subList(0, 1 + random.nextInt(3)))))
                            .post("/api/articles");
                    status = response.statusCode();
                    if (status == 201) {
                        own.add(response.path("article.slug"));
                    }
                }
                case 1 -> status = writer.as().post("/api/articles/" + shared.get(random.nextInt(shared.size())) + "/favorite")
                        .statusCode();
                case 2 -> status = writer.as().delete("/api/articles/" + shared.get(random.nextInt(shared.size())) + "/favorite")
                        .statusCode();
                default -> status = own.isEmpty() ? 200
                        : writer.as().delete("/api/articles/" + own.remove(own.size() - 1)).statusCode();
            }
            if (status >= 300 && status != 404) {
                failures.add(writer.username() + ": " + status);
            }
        }
        int deleted = writer.as().delete("/api/articles/" + mine).statusCode();
        if (deleted != 200 && deleted != 204) {
            failures.add(writer.username() + " deleting " + mine + ": " + deleted);
        }
    }
}

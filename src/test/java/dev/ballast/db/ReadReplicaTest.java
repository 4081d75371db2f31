package dev.ballast.db;

import static dev.ballast.Management.operator;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.Api;
import dev.ballast.Api.Account;
import dev.ballast.cache.CacheNoticeListener;
import dev.ballast.cache.ViewCaches;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reads from a streaming standby ({@link PrimaryAndStandby}), signed-in callers' too
 * ({@code READ_SIGNED_IN_FROM_REPLICAS}), each client still reading its own writes. What a read
 * answers tells where it ran: with replay paused on the standby, an article just written is on the primary only. The
 * views a read fills are cached, and the cache would answer for the database: each read whose database this test
 * asserts comes after the caches are emptied.
 * <p>
 * The cache notice listener is pointed at the standby here ({@code ballast.direct-db.url}): a standby refuses LISTEN,
 * and the service must still start, serve and keep its own caches right (its writes empty them at once). That makes
 * the listener warn at start-up, and the lag and stop tests make the replica checks warn that the replica is skipped,
 * on purpose (.ci/allowed-warnings).
 */
@QuarkusTest
@TestProfile(ReadReplicaTest.WithStandbyForSignedInToo.class)
class ReadReplicaTest {

    static final Duration MAX_LAG = Duration.ofSeconds(5);
    private static final int READERS = 16;
    private static final int MAX_BURSTS = 6;

    /** A standby, and the defaults: signed-in callers' reads on the primary ({@link SignedInReadsOnPrimaryTest}). */
    public static class WithStandby implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "ballast.read-db.max-lag", MAX_LAG.toMillis() + "ms",
                    "ballast.read-db.check-interval", "100ms",
                    "ballast.read-db.check-timeout", "400ms");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PrimaryAndStandby.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    /** Signed-in callers' reads on the standby too, and the cache notice listener pointed at the standby. */
    public static class WithStandbyForSignedInToo extends WithStandby {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("ballast.read-db.signed-in-from-replicas", "true");
            // Resolved when the listener connects, after the test resource has started the standby.
            overrides.put("ballast.direct-db.url", "${ballast.read-db.url}");
            return overrides;
        }
    }

    @Inject
    Replicas replicas;

    @Inject
    MeterRegistry registry;

    @Inject
    WalPositions walPositions;

    @Inject
    ViewCaches viewCaches;

    @Inject
    CacheNoticeListener listener;

    @BeforeEach
    void standbyInUse() {
        PrimaryAndStandby.standby.resumeReplay();
        awaitTrue(() -> replicas.choose(0) != null, Duration.ofSeconds(20), "the standby in use");
    }

    @AfterEach
    void standbyBack() {
        PrimaryAndStandby.standby.resumeReplay();
    }

    @Test
    void anAuthorReadsTheirArticleAtOnceWhileAnonymousReadsComeFromTheStandby() {
        Account author = Api.register("replica_author");
        PrimaryAndStandby.standby.pauseReplay();
        String slug = Api.createArticle(author, Api.uniqueName("Written while replay is paused"), List.of());

        emptyCaches();
        Api.anonymous().get("/api/articles/" + slug).then().statusCode(404);
        author.as().get("/api/articles/" + slug).then().statusCode(200).body("article.slug", org.hamcrest.Matchers.equalTo(slug));
        author.as().get("/api/articles?author=" + author.username()).then().statusCode(200).body("articlesCount", org.hamcrest.Matchers.equalTo(1));
        emptyCaches();
        Api.anonymous().get("/api/articles/" + slug).then().statusCode(404);

        PrimaryAndStandby.standby.resumeReplay();
        PrimaryAndStandby.standby.awaitCaughtUp(Duration.ofSeconds(20));
        emptyCaches();
        Api.anonymous().get("/api/articles/" + slug).then().statusCode(200);
        author.as().get("/api/articles/" + slug).then().statusCode(200);
        operator().get("/q/metrics").then().statusCode(200)
                .body(containsString("ballast_db_reads_total{to=\"replica\",why=\"replayed\"}"))
                .body(containsString("ballast_db_reads_total{to=\"primary\",why=\"own-write\"}"));
    }

    @Test
    void aNewAccountIsFoundAtOnceByItsOwnReads() {
        PrimaryAndStandby.standby.pauseReplay();
        Account newcomer = Api.register("replica_newcomer");
        newcomer.as().get("/api/user").then().statusCode(200).body("user.username", org.hamcrest.Matchers.equalTo(newcomer.username()));
        newcomer.as().get("/api/profiles/" + newcomer.username()).then().statusCode(200);
        Api.anonymous().body(Map.of("user", Map.of("email", newcomer.email(), "password", Api.PASSWORD)))
                .post("/api/users/login").then().statusCode(200);
    }

    /**
     * Readers at once: their write positions are stored, and looked up, in batches of several users in one round
     * trip; each must get its own. With replay paused, each reader's favorite is on the primary only: a reader's
     * read that found another's position, or none, would run on the standby and show the article not favorited.
     */
    @Test
    void readersWritingAndReadingAtOnceEachReadTheirOwnWrite() throws Exception {
        Account author = Api.register("replica_popular");
        List<Account> readers = new ArrayList<>();
        while (readers.size() < READERS) {
            readers.add(Api.register("replica_reader"));
        }
        ExecutorService threads = Executors.newFixedThreadPool(READERS);
        try {
            burstsUntilOneRanInABatch(ReadYourWrites.LOOKUP, () -> {
                String slug = Api.createArticle(author, Api.uniqueName("Favorited while replay is paused"), List.of());
                PrimaryAndStandby.standby.awaitCaughtUp(Duration.ofSeconds(20));
                PrimaryAndStandby.standby.pauseReplay();

                atOnce(threads, readers, reader -> Api.favorite(reader, slug));
                emptyCaches();
                atOnce(threads, readers, reader -> reader.as().get("/api/articles/" + slug).then().statusCode(200)
                        .body("article.favorited", org.hamcrest.Matchers.equalTo(true)));
                emptyCaches();
                Api.anonymous().get("/api/articles/" + slug).then().statusCode(200)
                        .body("article.favoritesCount", org.hamcrest.Matchers.equalTo(0)); // the standby, behind

                PrimaryAndStandby.standby.resumeReplay();
            });
        } finally {
            threads.shutdownNow();
        }
    }

    /** A burst of another app replica's notices asks for the primary's position at once, many times: in batches. */
    @Test
    void thePrimarysPositionAskedManyTimesAtOnceIsEachTimeAtOrPastWhatCameBefore() throws Exception {
        burstsUntilOneRanInABatch(WalPositions.NOW, () -> {
            long before = walPositions.now().await().atMost(Duration.ofSeconds(10));
            List<Long> positions = Uni.join().all(IntStream.range(0, READERS).mapToObj(i -> walPositions.now()).toList())
                    .andFailFast().await().atMost(Duration.ofSeconds(10));
            assertEquals(READERS, positions.size());
            positions.forEach(position -> assertTrue(position >= before, position + " before " + before));
        });
    }

    /** A burst of calls at once, again until one of them ran in a batch of the statement, at most MAX_BURSTS times. */
    private void burstsUntilOneRanInABatch(Statement statement, Burst burst) throws Exception {
        DistributionSummary batches = registry.summary("ballast.db.write.batch.size", "statement", statement.name());
        for (int bursts = 1; ; bursts++) {
            double batchedBefore = batches.totalAmount() - batches.count();
            burst.run();
            if (batches.totalAmount() - batches.count() > batchedBefore) {
                return;
            }
            assertTrue(bursts < MAX_BURSTS, MAX_BURSTS + " bursts at once and no " + statement.name() + " ran in a batch");
        }
    }

    private interface Burst {
        void run() throws Exception;
    }

    private static void atOnce(ExecutorService threads, List<Account> readers, Consumer<Account> request) throws Exception {
        List<Future<?>> done = new ArrayList<>();
        for (Account reader : readers) {
            done.add(threads.submit(() -> request.accept(reader)));
        }
        for (Future<?> each : done) {
            each.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aStandbyTooFarBehindIsSkippedUntilItCatchesUp() {
        Account author = Api.register("replica_lagging");
        PrimaryAndStandby.standby.pauseReplay();
        String slug = Api.createArticle(author, Api.uniqueName("Behind the lag bound"), List.of());
        emptyCaches();
        Api.anonymous().get("/api/articles/" + slug).then().statusCode(404);

        awaitTrue(() -> replicas.choose(0) == null, MAX_LAG.plusSeconds(10), "the standby skipped past READ_MAX_LAG");
        emptyCaches();
        Api.anonymous().get("/api/articles/" + slug).then().statusCode(200);

        PrimaryAndStandby.standby.resumeReplay();
        awaitTrue(() -> replicas.choose(0) != null, Duration.ofSeconds(20), "the standby in use again once caught up");
    }

    @Test
    void aStoppedStandbyLeavesEveryReadToThePrimaryWithinASecondAndNoServerError() {
        Account author = Api.register("replica_stopped");
        String slug = Api.createArticle(author, Api.uniqueName("Read while the standby stops"), List.of());
        PrimaryAndStandby.standby.awaitCaughtUp(Duration.ofSeconds(20));
        try {
            PrimaryAndStandby.standby.stop();
            long stopped = System.nanoTime();
            awaitTrue(() -> replicas.choose(0) == null, Duration.ofSeconds(5), "the stopped standby skipped");
            long skippedMillis = (System.nanoTime() - stopped) / 1_000_000;
            assertTrue(skippedMillis <= 1000, "skipped after " + skippedMillis + " ms");
            for (int i = 0; i < 20; i++) {
                emptyCaches();
                Api.anonymous().get("/api/articles/" + slug).then().statusCode(200);
                Api.anonymous().get("/api/articles?author=" + author.username()).then().statusCode(200);
            }
        } finally {
            PrimaryAndStandby.standby.start();
        }
        awaitTrue(() -> replicas.choose(0) != null, Duration.ofSeconds(30), "the standby in use again once started");
        emptyCaches();
        Api.anonymous().get("/api/articles/" + slug).then().statusCode(200);
    }

    @Test
    void listenOnTheStandbyIsRefusedAndTheServiceStillServesAndEmptiesItsCaches() {
        assertFalse(listener.listening(), "a standby refuses LISTEN");
        Account author = Api.register("replica_cached");
        String slug = Api.createArticle(author, Api.uniqueName("Cached beside a refused LISTEN"), List.of());
        PrimaryAndStandby.standby.awaitCaughtUp(Duration.ofSeconds(20));
        Api.anonymous().get("/api/articles/" + slug).then().statusCode(200).body("article.body", containsString("The body of"));
        author.as().body(Map.of("article", Map.of("body", "Changed")))
                .put("/api/articles/" + slug).then().statusCode(200);
        PrimaryAndStandby.standby.awaitCaughtUp(Duration.ofSeconds(20));
        Api.anonymous().get("/api/articles/" + slug).then().statusCode(200).body("article.body", org.hamcrest.Matchers.equalTo("Changed"));
    }

    /**
     * An author's change empties the article here at once, while the standby has not replayed it: an anonymous read
     * then gets the old article from the standby, and must not cache it. Once the standby has caught up, the very next
     * read shows the change, long before the cached article's time would be up.
     */
    @Test
    void anArticleReadFromTheStandbyBehindAChangeAlreadyAppliedIsServedButNotCached() {
        Account author = Api.register("replica_refill");
        String slug = Api.createArticle(author, Api.uniqueName("Read behind its change"), List.of());
        PrimaryAndStandby.standby.awaitCaughtUp(Duration.ofSeconds(20));
        Api.anonymous().get("/api/articles/" + slug).then().statusCode(200).body("article.body", containsString("The body of"));

        PrimaryAndStandby.standby.pauseReplay();
        author.as().body(Map.of("article", Map.of("body", "Changed while replay is paused")))
                .put("/api/articles/" + slug).then().statusCode(200);
        long changed = System.nanoTime();
        Api.anonymous().get("/api/articles/" + slug).then().statusCode(200)
                .body("article.body", containsString("The body of")); // the standby's row: the read ran there

        PrimaryAndStandby.standby.resumeReplay();
        PrimaryAndStandby.standby.awaitCaughtUp(Duration.ofSeconds(20));
        Api.anonymous().get("/api/articles/" + slug).then().statusCode(200)
                .body("article.body", org.hamcrest.Matchers.equalTo("Changed while replay is paused"));
        Duration since = Duration.ofNanos(System.nanoTime() - changed);
        assertTrue(since.compareTo(Duration.ofSeconds(30)) < 0, "well within the article's time in the cache (60 s): " + since);
        operator().get("/q/metrics").then().statusCode(200)
                .body(containsString("ballast_cache_fills_refused_total{cache=\"article\"}"));
    }

    @Test
    void theStandbysPoolAndBudgetAreReported() {
        String replica = "localhost:" + PrimaryAndStandby.standby.port();
        String metrics = operator().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String expected : List.of("ballast_db_replica_used{replica=\"" + replica + "\"} 1.0",
                "ballast_db_replica_lag_seconds{replica=\"" + replica + "\"}",
                "ballast_db_connection_headroom{database=\"" + replica + "\"}",
                "ballast_db_connection_headroom{database=\"primary\"}")) {
            assertTrue(metrics.contains(expected), expected + " in\n" + metrics.lines()
                    .filter(line -> line.contains("replica") || line.contains("headroom") || line.contains("sql_pool")).toList());
        }
        assertEquals(1, replicas.all().size());
    }

    private void emptyCaches() {
        emptyCaches(viewCaches);
    }

    static void emptyCaches(ViewCaches viewCaches) {
        for (String name : viewCaches.names()) {
            viewCaches.named(name).invalidateAll();
        }
    }

    static void awaitTrue(BooleanSupplier condition, Duration within, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

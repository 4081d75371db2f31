package dev.ballast.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.db.ReadPosition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import java.time.Duration;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicLong;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A cache of views bounded in bytes: shared loads, failures not kept, and the budget held whatever the entry sizes. */
class ViewCacheTest {

    private static final Duration LONG = Duration.ofMinutes(10);

    private static ViewCache<String, String> cache(long budgetBytes) {
        return new ViewCache<>("test", budgetBytes, LONG, new SimpleMeterRegistry());
    }

    @Test
    void anEntryReadInTheSecondHalfOfItsTimeIsLoadedAgainWhileItsValueIsServed() {
        AtomicLong now = new AtomicLong();
        ViewCache<String, String> cache = new ViewCache<>("test", 1 << 20, Duration.ofSeconds(10), new SimpleMeterRegistry(), now::get);
        AtomicInteger loads = new AtomicInteger();
        CompletableFuture<String> reload = new CompletableFuture<>();
        Function<String, Uni<String>> loader = key -> {
            loads.incrementAndGet();
            return loads.get() == 1 ? Uni.createFrom().item("first") : Uni.createFrom().completionStage(reload);
        };
        assertEquals("first", read(cache, loader));
        now.addAndGet(Duration.ofSeconds(4).toNanos());
        assertEquals("first", read(cache, loader));
        assertEquals(1, loads.get(), "in the first half of its time: no load");

        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertEquals("first", read(cache, loader), "served at once while it loads again");
        assertEquals("first", read(cache, loader));
        assertEquals(2, loads.get(), "one load again at a time");
        reload.complete("second");
        assertEquals("second", read(cache, loader));

        CompletableFuture<String> overtaken = new CompletableFuture<>();
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        assertEquals("second", read(cache, key -> Uni.createFrom().completionStage(overtaken)));
        cache.invalidate("key"); // a write committed while it loaded again
        overtaken.complete("read before the write");
        assertEquals("after the write", read(cache, key -> Uni.createFrom().item("after the write")));
    }

    /**
     * A write whose notice never came (its replica stopped between the commit and the notice, or the notice was lost):
     * the entry it changed is served as it was until its time is up, and then loaded again.
     */
    @Test
    void anEntryWhoseNoticeNeverCameIsLoadedAgainOnceItsTimeIsUp() {
        AtomicLong now = new AtomicLong();
        Duration ttl = Duration.ofSeconds(5);
        ViewCache<String, String> cache = new ViewCache<>("test", 1 << 20, ttl, new SimpleMeterRegistry(), now::get);
        String[] row = {"before the write"};
        Function<String, Uni<String>> loader = key -> Uni.createFrom().item(row[0]);
        assertEquals("before the write", read(cache, loader));

        row[0] = "after the write"; // committed elsewhere: no invalidation reaches this cache
        now.addAndGet(ttl.toNanos() / 4);
        assertEquals("before the write", read(cache, loader), "stale until its time is up");
        now.addAndGet(ttl.toNanos() - ttl.toNanos() / 4);
        assertEquals("after the write", read(cache, loader), "loaded again once CACHE_TTL has passed since it was loaded");
    }

    private static String read(ViewCache<String, String> cache, Function<String, Uni<String>> loader) {
        return cache.get("key", loader).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void callersOfOneKeyShareOneLoad() {
        ViewCache<String, String> cache = cache(1 << 20);
        AtomicInteger loads = new AtomicInteger();
        CompletableFuture<String> pending = new CompletableFuture<>();
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(cache.get("key", key -> {
                loads.incrementAndGet();
                return Uni.createFrom().completionStage(pending);
            }).subscribeAsCompletionStage());
        }
        assertNull(cache.now("key"), "loading: not loaded yet");
        pending.complete("value");
        answers.forEach(answer -> assertEquals("value", answer.join()));
        assertEquals(1, loads.get());
        assertEquals("value", cache.now("key"));
    }

    @Test
    void aFailedLoadIsAnsweredToItsCallersAndNotKept() {
        ViewCache<String, String> cache = cache(1 << 20);
        Uni<String> failing = cache.get("key", key -> Uni.createFrom().failure(new IllegalStateException("no database")));
        assertThrows(IllegalStateException.class, () -> failing.await().atMost(Duration.ofSeconds(5)));
        assertNull(cache.now("key"));
        assertEquals("value", cache.get("key", key -> Uni.createFrom().item("value")).await().atMost(Duration.ofSeconds(5)));
    }

    @Test
    void aCallerGoingAwayDoesNotCancelTheLoadOfTheOthers() {
        ViewCache<String, String> cache = cache(1 << 20);
        CompletableFuture<String> pending = new CompletableFuture<>();
        Cancellable first = cache.get("key", key -> Uni.createFrom().completionStage(pending)).subscribe().with(value -> { });
        CompletableFuture<String> second = cache.get("key", key -> Uni.createFrom().item("another load"))
                .subscribeAsCompletionStage();
        first.cancel();
        pending.complete("value");
        assertEquals("value", second.join());
        assertEquals("value", cache.now("key"));
    }

    @Test
    void theBudgetHoldsWhateverTheEntrySizes() {
        long budget = 256 * 1024;
        ViewCache<String, String> cache = cache(budget);
        for (int i = 0; i < 200; i++) {
            int size = i % 10 == 0 ? 60_000 : 1_000;
            String value = "x".repeat(size);
            assertEquals(value, cache.get("key " + i, key -> Uni.createFrom().item(value)).await().atMost(Duration.ofSeconds(5)));
            assertTrue(cache.bytes() <= budget, "after " + i + " entries: " + cache.bytes() + " bytes held");
        }
        assertTrue(cache.bytes() > budget / 2, "the budget is used: " + cache.bytes());
    }

    @Test
    void anEntryLargerThanTheWholeBudgetIsAnsweredButNotKept() {
        ViewCache<String, String> cache = cache(64 * 1024);
        String huge = "本".repeat(100_000); // two bytes a character: 200 KB
        assertEquals(huge, cache.get("huge", key -> Uni.createFrom().item(huge)).await().atMost(Duration.ofSeconds(5)));
        assertNull(cache.now("huge"));
        assertEquals(0, cache.bytes());
    }

    @Test
    void manyKeysLoadTheMissingOnesInOneCallAndKeepOnlyThoseAnswered() {
        ViewCache<String, String> cache = cache(1 << 20);
        cache.get("a", key -> Uni.createFrom().item("cached a")).await().atMost(Duration.ofSeconds(5));
        List<List<String>> calls = new ArrayList<>();
        Map<String, String> found = cache.getAll(List.of("a", "b", "c"), missing -> {
            calls.add(missing);
            return Uni.createFrom().item(Map.of("b", "loaded b")); // no "c": it does not exist
        }).await().atMost(Duration.ofSeconds(5));
        assertEquals(Map.of("a", "cached a", "b", "loaded b"), found);
        assertEquals(List.of(List.of("b", "c")), calls.stream().map(call -> call.stream().sorted().toList()).toList());
        assertEquals("loaded b", cache.now("b"));
        assertNull(cache.now("c"));
    }

    /** An event loop empties a key whose load it is itself to complete: emptying must not wait for the load. */
    @Test
    void emptyingAnEntryStillLoadingDoesNotWaitForItsLoad() {
        ViewCache<String, String> cache = cache(1 << 20);
        CompletableFuture<String> pending = new CompletableFuture<>();
        CompletableFuture<String> loading = cache.get("key", key -> Uni.createFrom().completionStage(pending))
                .subscribeAsCompletionStage();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            cache.invalidate("key");
            cache.get("other", key -> Uni.createFrom().completionStage(new CompletableFuture<>())).subscribe().with(value -> { });
            cache.invalidateAll();
            cache.invalidateIf((key, value) -> true);
        });
        assertTrue(cache.keys().isEmpty());
        pending.complete("value");
        assertEquals("value", loading.join());
        assertNull(cache.now("key"), "a load emptied while it ran is not kept");
    }

    @Test
    void anInvalidationSeesALoadingEntryAsPossiblyStale() {
        ViewCache<String, String> cache = cache(1 << 20);
        cache.get("loaded", key -> Uni.createFrom().item("value")).await().atMost(Duration.ofSeconds(5));
        CompletableFuture<String> pending = new CompletableFuture<>();
        CompletableFuture<String> loading = cache.get("loading", key -> Uni.createFrom().completionStage(pending))
                .subscribeAsCompletionStage();
        List<String> seen = new ArrayList<>();
        cache.invalidateIf((key, value) -> {
            seen.add(key + "=" + value);
            return value == null;
        });
        assertEquals(List.of("loaded=value", "loading=null"), seen.stream().sorted().toList());
        assertEquals(List.of("loaded"), cache.keys().stream().toList());
        pending.complete("from before the write");
        assertEquals("from before the write", loading.join(), "its callers still get their answer");
        assertNull(cache.now("loading"), "but it is not kept");
    }

    /**
     * A change applied here at WAL position 100, then a load that read on a replica which had replayed only 99: its
     * rows are from before the change. Its callers get them; the cache does not keep them. A load that saw the change,
     * or read on the primary alone, is kept.
     */
    @Test
    void aLoadFromAReplicaBehindAChangeAlreadyAppliedIsServedButNotKept() {
        ViewCache<String, String> cache = cache(1 << 20);
        cache.changing();
        cache.changedAt(100);

        assertEquals("before the change", read(cache, key -> onReplica(99, "before the change")));
        assertNull(cache.now("key"), "served, not kept");
        assertEquals("after the change", read(cache, key -> onReplica(100, "after the change")));
        assertEquals("after the change", cache.now("key"));

        Map<String, String> loaded = cache.getAll(List.of("a", "b"), missing -> onReplica(99, Map.of("a", "old a", "b", "old b")))
                .await().atMost(Duration.ofSeconds(5));
        assertEquals(Map.of("a", "old a", "b", "old b"), loaded);
        assertNull(cache.now("a"), "a page's loads are not kept either");
        assertNull(cache.now("b"));
        cache.getAll(List.of("a"), missing -> Uni.createFrom().item(Map.of("a", "new a")))
                .await().atMost(Duration.ofSeconds(5));
        assertEquals("new a", cache.now("a"), "read on the primary");
    }

    @Test
    void whileAChangesPositionIsUnknownNoLoadFromAReplicaIsKept() {
        ViewCache<String, String> cache = cache(1 << 20);
        cache.changing();
        assertEquals("maybe before", read(cache, key -> onReplica(1_000, "maybe before")));
        assertNull(cache.now("key"));
        cache.changedAt(500);
        assertEquals("after", read(cache, key -> onReplica(1_000, "after")));
        assertEquals("after", cache.now("key"));
    }

    @Test
    void anEntryLoadedAgainFromAReplicaBehindAChangeIsEmptied() throws InterruptedException {
        AtomicLong now = new AtomicLong();
        ViewCache<String, String> cache = new ViewCache<>("test", 1 << 20, Duration.ofSeconds(10), new SimpleMeterRegistry(), now::get);
        assertEquals("first", read(cache, key -> Uni.createFrom().item("first")));
        cache.changing(); // a change to another entry of this cache
        cache.changedAt(100);
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        assertEquals("first", read(cache, key -> onReplica(99, "loaded again behind the change")), "served at once");
        for (int i = 0; i < 250 && cache.now("key") != null; i++) {
            Thread.sleep(20);
        }
        assertNull(cache.now("key"), "neither the reload nor the entry it was to replace is kept");
    }

    /** A replica's answer may come at once, while the cache is still making the entry: it is served and not kept. */
    @Test
    void aLoadFromAReplicaBehindAChangeThatAnswersAtOnceIsServedButNotKept() {
        ViewCache<String, String> cache = cache(1 << 20);
        cache.changing();
        cache.changedAt(100);
        Function<String, Uni<String>> atOnce = key -> Uni.createFrom().context(context -> {
            ReadPosition.in(context).saw(99);
            return Uni.createFrom().item("before the change");
        });
        assertEquals("before the change", read(cache, atOnce));
        assertNull(cache.now("key"), "served, not kept");
    }

    /** What a read on a replica that had replayed {@code replayed} answers, later (as a database answers). */
    private static <T> Uni<T> onReplica(long replayed, T answer) {
        return Uni.createFrom().context(context -> {
            ReadPosition.in(context).saw(replayed);
            // On the delayer's own thread: the common pool may be busy with another test's blocked tasks.
            return Uni.createFrom().completionStage(CompletableFuture.supplyAsync(() -> answer,
                    CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS, Runnable::run)));
        });
    }
}

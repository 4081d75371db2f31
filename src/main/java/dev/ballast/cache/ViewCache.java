package dev.ballast.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy.FixedExpiration;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.ballast.db.ReadPosition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One cache of hot reads, bounded in bytes: each entry is weighed when its value has loaded (key and value, the
 * value's {@link HeapBytes#of} estimate of the heap it holds), and the least valuable entries are evicted while the
 * total passes the cache's budget; an entry heavier than the whole budget is answered to its callers but never
 * kept. Entries also expire a fixed time after they were written; an entry read in the second half of that time is
 * loaded again in the background, and its callers meanwhile get the loaded value, so a hot entry is never missing
 * (its readers never wait for its load behind other work). The new value replaces the entry only if nothing
 * emptied it meanwhile: a load that may have read rows from before a write is never kept after it. Nor is a load
 * that read from a read replica which had not replayed a change this cache was already emptied for
 * ({@link ChangePositions}): its callers get its value, and the entry stays empty
 * ({@code ballast_cache_fills_refused_total}).
 * <p>
 * Callers of one key share one load (a stampede loads once). A load that fails, or answers null, is not kept. A
 * caller that goes away only stops listening: the load goes on for the others. Eviction runs on the thread that
 * writes, so the budget holds at every moment, not only after a background pass. Counted like the Quarkus caches
 * ({@code cache_gets_total}, {@code cache_evictions_total}, ... with {@code cache=<name>}), plus the bytes held and
 * the budget ({@code ballast_cache_bytes}, {@code ballast_cache_budget_bytes}).
 */
public final class ViewCache<K, V> {

    private static final int COMPUTING = 0;
    private static final int COMPUTED = 1;
    private static final int REFUSED_WHILE_COMPUTING = 2;

    private final String name;
    private final AsyncCache<K, V> cache;
    private final FixedExpiration<K, V> expiration;
    private final long refreshAfterNanos;
    private final Set<K> refreshing = ConcurrentHashMap.newKeySet();
    private final long budgetBytes;
    private final ChangePositions changes = new ChangePositions();
    private final Counter refused;

    ViewCache(String name, long budgetBytes, Duration ttl, MeterRegistry registry) {
        this(name, budgetBytes, ttl, registry, Ticker.systemTicker());
    }

    ViewCache(String name, long budgetBytes, Duration ttl, MeterRegistry registry, Ticker ticker) {
        this.name = name;
        this.budgetBytes = budgetBytes;
        this.refreshAfterNanos = ttl.toNanos() / 2;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(budgetBytes)
                .weigher((K key, V value) -> (int) Math.min(Integer.MAX_VALUE, HeapBytes.entry(key, value)))
                .expireAfterWrite(ttl)
                .ticker(ticker)
                .executor(Runnable::run)
                .recordStats()
                .buildAsync();
        this.expiration = cache.synchronous().policy().expireAfterWrite().orElseThrow();
        CaffeineCacheMetrics.monitor(registry, cache, name);
        this.refused = Counter.builder("ballast.cache.fills.refused")
                .description("Loads served but not kept: read from a replica behind a change this cache was emptied for")
                .tag("cache", name).register(registry);
        Gauge.builder("ballast.cache.bytes", this, ViewCache::bytes).description("Estimated heap held by the cache's entries")
                .tag("cache", name).baseUnit("bytes").register(registry);
        Gauge.builder("ballast.cache.budget.bytes", this, c -> c.budgetBytes).description("The cache's byte budget")
                .tag("cache", name).baseUnit("bytes").register(registry);
    }

    public String name() {
        return name;
    }

    /** The value of {@code key}: the cached one, or the one {@code loader} answers (one load for all callers). */
    public Uni<V> get(K key, Function<K, Uni<V>> loader) {
        return Uni.createFrom().deferred(() -> {
            // A load may answer at once, inside the cache's computation of the entry, where taking a refused fill
            // out would be a recursive update of the map: then it is taken out once that computation is over.
            AtomicInteger stage = new AtomicInteger(COMPUTING);
            CompletableFuture<V> entry = cache.get(key, (k, executor) -> fill(loader.apply(k), stale -> {
                if (!stage.compareAndSet(COMPUTING, REFUSED_WHILE_COMPUTING)) {
                    cache.asMap().remove(k, stale);
                }
            }));
            if (!stage.compareAndSet(COMPUTING, COMPUTED)) {
                cache.asMap().remove(key, entry);
            }
            refreshIfOld(key, entry, loader);
            return listen(entry);
        });
    }

    /** Loads a loaded entry again, once at a time, when it is in the second half of its time. */
    private void refreshIfOld(K key, CompletableFuture<V> entry, Function<K, Uni<V>> loader) {
        if (!entry.isDone() || entry.isCompletedExceptionally()
                || expiration.ageOf(key, TimeUnit.NANOSECONDS).orElse(0) < refreshAfterNanos || !refreshing.add(key)) {
            return;
        }
        // A reload too old to keep empties the entry: the next read loads it again.
        Uni<V> reload = Uni.createFrom().deferred(() -> loader.apply(key));
        fill(reload, stale -> cache.asMap().remove(key, entry)).whenComplete((value, failure) -> {
            refreshing.remove(key);
            if (failure == null && value != null) {
                cache.asMap().replace(key, entry, CompletableFuture.completedFuture(value));
            }
        });
    }

    /**
     * The values of many keys: those cached are shared as they are (loaded, or loading for another caller), and
     * all the missing ones are loaded by one call of {@code loadMissing} (one statement). A key its answer leaves out
     * is left out of the result, and not cached.
     */
    public Uni<Map<K, V>> getAll(Collection<K> keys, Function<List<K>, Uni<Map<K, V>>> loadMissing) {
        return Uni.createFrom().deferred(() -> listen(cache.getAll(keys, (missing, executor) -> {
            // The entries the cache holds for the missing keys while they load: those a fill too old to keep empties.
            Map<K, CompletableFuture<V>> loading = new HashMap<>();
            missing.forEach(key -> Optional.ofNullable(cache.asMap().get(key)).ifPresent(entry -> loading.put(key, entry)));
            return fill(loadMissing.apply(List.copyOf(missing)), stale -> loading.forEach(cache.asMap()::remove))
                    .thenApply(loaded -> withoutNulls(loaded));
        })));
    }

    private static <K, V> Map<K, V> withoutNulls(Map<K, V> loaded) {
        Map<K, V> kept = new HashMap<>(loaded.size() * 2);
        loaded.forEach((key, value) -> {
            if (value != null) {
                kept.put(key, value);
            }
        });
        return kept;
    }

    /** The value of {@code key} when it is cached and loaded (neither loading nor failed), else null: no load, no wait. */
    public V now(K key) {
        CompletableFuture<V> entry = cache.getIfPresent(key);
        if (entry == null || !entry.isDone() || entry.isCompletedExceptionally()) {
            return null;
        }
        return entry.getNow(null);
    }

    // Through the map of futures: the synchronous view's removal waits for an entry still loading, and the load
    // may be waiting for this very thread (an event loop).

    /**
     * A change is about to empty entries of this cache (before it does: a load ending meanwhile is not kept unless it
     * read on the primary); its WAL position follows ({@link #changedAt(long)}).
     */
    void changing() {
        changes.changing();
    }

    /** A change that was {@link #changing()} is at or before the WAL position {@code position}. */
    void changedAt(long position) {
        changes.changedAt(position);
    }

    public void invalidate(Object key) {
        cache.asMap().remove(key);
    }

    public void invalidateAll() {
        cache.asMap().clear();
    }

    /**
     * Empties the entries for which {@code test} holds, given the key and the loaded value (null while the value
     * is still loading: a load that may have read rows from before a write must not be kept after it).
     */
    public void invalidateIf(BiPredicate<K, V> test) {
        cache.asMap().forEach((key, entry) -> {
            V value = entry.isDone() && !entry.isCompletedExceptionally() ? entry.getNow(null) : null;
            if (test.test(key, value)) {
                cache.asMap().remove(key, entry);
            }
        });
    }

    public Set<K> keys() {
        return Set.copyOf(cache.asMap().keySet());
    }

    /** The estimated bytes the loaded entries hold now. */
    public long bytes() {
        return cache.synchronous().policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    /**
     * The load's item as a future that the Uni's subscriber cannot cancel for the other callers. The load runs in the
     * context of a {@link ReadPosition}: when its reads saw less than a change this cache was emptied for,
     * {@code stale} is given the future before it completes, to take it out of the cache.
     */
    private <T> CompletableFuture<T> fill(Uni<T> load, Consumer<CompletableFuture<T>> stale) {
        CompletableFuture<T> future = new CompletableFuture<>();
        ReadPosition read = new ReadPosition();
        load.subscribe().with(read.context(), value -> {
            if (!changes.keeps(read.seen())) {
                refused.increment();
                stale.accept(future);
            }
            future.complete(value);
        }, future::completeExceptionally);
        return future;
    }

    /** Listens to a shared future: a caller going away stops listening only. */
    private static <T> Uni<T> listen(CompletableFuture<T> shared) {
        return Uni.createFrom().emitter(emitter -> shared.whenComplete((value, failure) -> {
            if (failure != null) {
                emitter.fail(failure instanceof CompletionException wrapped && wrapped.getCause() != null ? wrapped.getCause() : failure);
            } else {
                emitter.complete(value);
            }
        }));
    }
}

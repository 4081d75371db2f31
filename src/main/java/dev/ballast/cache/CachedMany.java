package dev.ballast.cache;

import io.quarkus.cache.Cache;
import io.quarkus.cache.CaffeineCache;
import io.smallrye.mutiny.Uni;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Many entries of one cache at once: those present are shared as they are (loaded, or loading for another
 * caller), and all the missing ones are loaded by one call (one statement), not one each.
 *
 * <p>Each missing key's pending entry is in the cache before its load starts, so a write's invalidation from then
 * on removes it, and a load that may have read rows from before that write is never kept. The load runs to the
 * end even when the caller goes away, for the others waiting on its entries. A key the load does not answer is
 * left out of the result and not cached; a failed load is not cached either.
 */
public final class CachedMany {

    private CachedMany() {
    }

    public static <K, V> Uni<Map<K, V>> get(Cache cache, Collection<K> keys, Function<List<K>, Uni<Map<K, V>>> loadMissing) {
        return Uni.createFrom().deferred(() -> {
            CaffeineCache entries = cache.as(CaffeineCache.class);
            Map<K, CompletableFuture<V>> wanted = new LinkedHashMap<>();
            Map<K, CompletableFuture<V>> missing = new LinkedHashMap<>();
            for (K key : keys) {
                CompletableFuture<V> entry = entries.getIfPresent(key);
                if (entry == null) {
                    entry = new CompletableFuture<>();
                    entries.put(key, entry);
                    missing.put(key, entry);
                }
                wanted.put(key, entry);
            }
            if (!missing.isEmpty()) {
                loadMissing.apply(List.copyOf(missing.keySet())).subscribe().with(
                        loaded -> missing.forEach((key, entry) -> entry.complete(loaded.get(key))),
                        failure -> missing.values().forEach(entry -> entry.completeExceptionally(failure)));
            }
            return Uni.createFrom().emitter(emitter -> CompletableFuture.allOf(wanted.values().toArray(CompletableFuture[]::new))
                    .whenComplete((done, failure) -> {
                        if (failure != null) {
                            emitter.fail(failure instanceof CompletionException wrapped && wrapped.getCause() != null ? wrapped.getCause() : failure);
                            return;
                        }
                        Map<K, V> found = new HashMap<>(wanted.size() * 2);
                        wanted.forEach((key, entry) -> {
                            V value = entry.join();
                            if (value != null) {
                                found.put(key, value);
                            }
                        });
                        emitter.complete(found);
                    }));
        });
    }
}

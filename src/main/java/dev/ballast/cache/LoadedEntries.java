package dev.ballast.cache;

import dev.ballast.internals.CacheInternals;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CaffeineCache;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The values of one cache's loaded entries, read with no load, no waiting and none of the Mutiny chain a
 * {@code @CacheResult} method's Uni builds for every call: for the lookups every signed-in request makes
 * (its token's generation, its flags). Read from the Caffeine cache behind the Quarkus one where it can be
 * reached ({@link CacheInternals}), else through Quarkus' API.
 */
public final class LoadedEntries<T> {

    private final Class<T> type;
    private final Function<Object, CompletableFuture<Object>> entries;

    public LoadedEntries(Cache cache, Class<T> type) {
        this.type = type;
        this.entries = CacheInternals.caffeineOf(cache).<Function<Object, CompletableFuture<Object>>>map(caffeine -> caffeine::getIfPresent)
                .orElse(cache.as(CaffeineCache.class)::getIfPresent);
    }

    /**
     * The value the cache holds for the key when it is loaded (neither loading nor failed), else null. Anything
     * else than a {@code T} (Quarkus' marks for a null value or a failure) counts as not loaded.
     */
    public T now(Object key) {
        CompletableFuture<Object> entry = entries.apply(key);
        if (entry == null || !entry.isDone() || entry.isCompletedExceptionally()) {
            return null;
        }
        Object value = entry.getNow(null);
        return type.isInstance(value) ? type.cast(value) : null;
    }
}

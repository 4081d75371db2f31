package dev.ballast.internals;

import com.github.benmanes.caffeine.cache.AsyncCache;
import io.quarkus.cache.Cache;
import java.lang.reflect.Field;
import java.util.Optional;

/**
 * The one place that reaches past the public Quarkus cache API: the Caffeine cache behind a Quarkus cache, for
 * reading an entry without the new context-propagating future Quarkus wraps around every entry it hands out
 * (which cost more than the lookup itself, on the two lookups each signed-in request makes). The hook is the
 * field {@code cache} of Quarkus 3.33's {@code CaffeineCacheImpl}, which an upgrade can change;
 * {@link InternalsCheck} verifies at start-up that it still takes hold, and where it does not, the public API
 * answers instead (slower, never wrong).
 */
public final class CacheInternals {

    private static final String CAFFEINE_CACHE_CLASS = "io.quarkus.cache.runtime.caffeine.CaffeineCacheImpl";
    private static final String CAFFEINE_CACHE_FIELD = "cache";

    private CacheInternals() {
    }

    /** The Caffeine cache behind this Quarkus cache, when it can be reached. */
    @SuppressWarnings("unchecked")
    public static Optional<AsyncCache<Object, Object>> caffeineOf(Cache cache) {
        try {
            Class<?> type = Class.forName(CAFFEINE_CACHE_CLASS, false, cache.getClass().getClassLoader());
            if (!type.isInstance(cache)) {
                return Optional.empty();
            }
            Field field = type.getDeclaredField(CAFFEINE_CACHE_FIELD);
            field.setAccessible(true);
            return field.get(cache) instanceof AsyncCache<?, ?> caffeine ? Optional.of((AsyncCache<Object, Object>) caffeine) : Optional.empty();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }
}

package dev.ballast.cache;

import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheManager;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one write changed, as cache entries to empty: per cache name, either some keys or the whole cache.
 * The one primitive every invalidation goes through, here and (as one notice) on every other replica.
 * Built on the caller's thread, then only read.
 */
public final class CacheChanges {

    private final Set<String> whole = new LinkedHashSet<>();
    private final Map<String, Set<Object>> keys = new LinkedHashMap<>();

    /** The entry {@code key} of the cache {@code cacheName}. */
    public CacheChanges key(String cacheName, Object key) {
        if (!whole.contains(cacheName)) {
            keys.computeIfAbsent(cacheName, name -> new LinkedHashSet<>()).add(key);
        }
        return this;
    }

    /** Every entry of the cache {@code cacheName}. */
    public CacheChanges all(String cacheName) {
        whole.add(cacheName);
        keys.remove(cacheName);
        return this;
    }

    public boolean isEmpty() {
        return whole.isEmpty() && keys.isEmpty();
    }

    /** The caches emptied entirely. */
    public Set<String> whole() {
        return Collections.unmodifiableSet(whole);
    }

    /** The caches emptied only at some keys, with those keys. */
    public Map<String, Set<Object>> keys() {
        return Collections.unmodifiableMap(keys);
    }

    /** Empties these entries in this replica's caches; a cache this replica does not have is skipped. */
    Uni<Void> applyTo(CacheManager caches) {
        List<Uni<Void>> steps = new ArrayList<>();
        for (String name : whole) {
            cache(caches, name).ifPresent(cache -> steps.add(cache.invalidateAll()));
        }
        keys.forEach((name, entries) -> cache(caches, name).ifPresent(cache -> {
            for (Object key : entries) {
                steps.add(cache.invalidate(key));
            }
        }));
        if (steps.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(steps).andFailFast().replaceWithVoid();
    }

    private static Optional<Cache> cache(CacheManager caches, String name) {
        return caches.getCache(name);
    }

    @Override
    public String toString() {
        return "all of " + whole + ", keys " + keys;
    }
}

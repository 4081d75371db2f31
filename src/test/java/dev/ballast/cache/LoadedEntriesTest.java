package dev.ballast.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.internals.CacheInternals;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CaffeineCache;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Loaded entries are read from the Caffeine cache behind a Quarkus cache, and only loaded ones. */
@QuarkusTest
class LoadedEntriesTest {

    @Inject
    @CacheName(ReadCaches.TAGS)
    Cache cache;

    @Test
    void onlyALoadedValueOfTheTypeAsked() {
        CaffeineCache caffeine = cache.as(CaffeineCache.class);
        LoadedEntries<String> entries = new LoadedEntries<>(cache, String.class);
        caffeine.put("loaded", CompletableFuture.completedFuture("value"));
        caffeine.put("loading", new CompletableFuture<>());
        caffeine.put("failed", CompletableFuture.failedFuture(new IllegalStateException("load failed")));
        caffeine.put("other type", CompletableFuture.completedFuture(42L));
        try {
            assertTrue(CacheInternals.caffeineOf(cache).isPresent(), "the Caffeine cache behind Quarkus' is reached");
            assertEquals("value", entries.now("loaded"));
            assertNull(entries.now("loading"));
            assertNull(entries.now("failed"));
            assertNull(entries.now("other type"));
            assertNull(entries.now("absent"));
        } finally {
            cache.invalidateAll().await().indefinitely();
        }
    }

    @Test
    void aCacheOfAnotherKindIsNotReached() {
        Cache foreign = (Cache) Proxy.newProxyInstance(Cache.class.getClassLoader(), new Class<?>[] {Cache.class}, (proxy, method, args) -> {
            throw new UnsupportedOperationException(method.getName());
        });
        assertTrue(CacheInternals.caffeineOf(foreign).isEmpty());
    }
}

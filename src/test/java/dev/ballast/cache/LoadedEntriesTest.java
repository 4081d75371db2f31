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
    @CacheName(ReadCaches.PROFILE)
    Cache cache;

    @Test
    void onlyALoadedValueOfTheTypeAsked() {
        CaffeineCache caffeine = cache.as(CaffeineCache.class);
        LoadedEntries<String> entries = new LoadedEntries<>(cache, String.class);
        // Keys no profile has (names are made of letters, digits, dashes and underscores); a large cache: nothing evicted.
        caffeine.put("loaded entry", CompletableFuture.completedFuture("value"));
        caffeine.put("loading entry", new CompletableFuture<>());
        caffeine.put("failed entry", CompletableFuture.failedFuture(new IllegalStateException("load failed")));
        caffeine.put("entry of another type", CompletableFuture.completedFuture(42L));
        try {
            assertTrue(CacheInternals.caffeineOf(cache).isPresent(), "the Caffeine cache behind Quarkus' is reached");
            assertEquals("value", entries.now("loaded entry"));
            assertNull(entries.now("loading entry"));
            assertNull(entries.now("failed entry"));
            assertNull(entries.now("entry of another type"));
            assertNull(entries.now("absent entry"));
        } finally {
            for (String key : new String[] {"loaded entry", "loading entry", "failed entry", "entry of another type"}) {
                cache.invalidate(key).await().indefinitely();
            }
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

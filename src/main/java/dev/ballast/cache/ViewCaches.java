package dev.ballast.cache;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Every cache of hot reads, by name ({@link ReadCaches} names them), each bounded by its own byte budget and kept
 * for its own time ({@code ballast.caches."<name>".bytes} and {@code .ttl}). The budgets together are what the
 * caches may hold of the heap, whatever the size of what is cached; they are logged at start-up.
 * <p>
 * Quarkus' own cache (3.33) bounds a cache by its number of entries only, and entries here range from a few
 * hundred bytes to about a megabyte (an article of 100,000 characters, a page of 500 long comments): a bound in
 * entries is no bound on the heap. These are Caffeine caches, as Quarkus' are, with a weigher.
 */
@ApplicationScoped
public class ViewCaches {

    private static final Logger LOG = Logger.getLogger(ViewCaches.class);

    /** The settings of every cache, by name. */
    @ConfigMapping(prefix = "ballast.caches")
    public interface Settings {

        @WithParentName
        Map<String, Budget> budgets();

        /** One cache: the bytes it may hold, and how long an entry is kept after it was written. */
        interface Budget {
            MemorySize bytes();

            Duration ttl();
        }
    }

    private final Map<String, ViewCache<?, ?>> caches = new LinkedHashMap<>();

    ViewCaches(Settings settings, MeterRegistry registry) {
        long total = 0;
        StringBuilder each = new StringBuilder();
        for (Map.Entry<String, Settings.Budget> cache : settings.budgets().entrySet()) {
            long bytes = cache.getValue().bytes().asLongValue();
            caches.put(cache.getKey(), new ViewCache<>(cache.getKey(), bytes, cache.getValue().ttl(), registry));
            total += bytes;
            each.append(each.isEmpty() ? "" : ", ").append(cache.getKey()).append(' ').append(bytes >> 10).append(" KiB");
        }
        LOG.infof("Read caches: at most %d MiB in all (%s)", total >> 20, each);
    }

    /** The cache of this name; an unknown name is a programming error, found at start-up by the bean that asks. */
    @SuppressWarnings("unchecked")
    public <K, V> ViewCache<K, V> named(String name) {
        ViewCache<?, ?> cache = caches.get(name);
        if (cache == null) {
            throw new IllegalStateException("no cache named " + name + " is configured (ballast.caches.\"" + name + "\".bytes)");
        }
        return (ViewCache<K, V>) cache;
    }

    /**
     * Empties the entries a change names, in this replica's caches, for a change whose commit is at or before the WAL
     * position {@code position} answers. The caches it empties keep no fill read on a replica behind that position,
     * nor any read on a replica until the position is known ({@link ChangePositions}).
     */
    void empty(CacheChanges changes, Uni<Long> position) {
        List<ViewCache<Object, Object>> changed = changes.cacheNames().stream()
                .map(this::find).flatMap(Optional::stream).toList();
        changed.forEach(ViewCache::changing);
        changes.applyTo(this);
        position.subscribe().with(at -> changed.forEach(cache -> cache.changedAt(at)));
    }

    /** The cache of this name, if this replica has one (a notice from another version may name others). */
    Optional<ViewCache<Object, Object>> find(String name) {
        return Optional.ofNullable(caches.get(name)).map(cache -> named(name));
    }

    public Set<String> names() {
        return caches.keySet();
    }
}

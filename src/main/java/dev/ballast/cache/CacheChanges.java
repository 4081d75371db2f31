package dev.ballast.cache;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What one write changed, as cache entries to empty: per cache name, the whole cache, or some keys, or the
 * entries that show an article or a user or whose key names a value (a favorite changes only the lists showing
 * its article and the lists of its user's favorites, not every list; a new bio only the views showing its user). The one primitive every invalidation goes
 * through, here and (as one notice) on every other replica. Built on the caller's thread, then only read.
 */
public final class CacheChanges {

    private final Set<String> whole = new LinkedHashSet<>();
    private final Map<String, Set<Object>> keys = new LinkedHashMap<>();
    private final Map<String, Set<Long>> showing = new LinkedHashMap<>();
    private final Map<String, Set<Long>> showingUser = new LinkedHashMap<>();
    private final Map<String, Set<String>> naming = new LinkedHashMap<>();

    /** The entry {@code key} of the cache {@code cacheName}. */
    public CacheChanges key(String cacheName, Object key) {
        return add(keys, cacheName, key);
    }

    /**
     * The entries of the cache {@code cacheName} whose view shows the article {@code articleId} ({@link ShowsArticles});
     * an entry still loading, or of another kind, counts as showing it.
     */
    public CacheChanges showing(String cacheName, long articleId) {
        return add(showing, cacheName, articleId);
    }

    /**
     * The entries of the cache {@code cacheName} whose view shows the user {@code userId} ({@link ShowsUsers}); an
     * entry still loading, or of another kind, counts as showing them.
     */
    public CacheChanges showingUser(String cacheName, long userId) {
        return add(showingUser, cacheName, userId);
    }

    /** The entries of the cache {@code cacheName} whose key is, or has among its parts, {@code value}. */
    public CacheChanges naming(String cacheName, String value) {
        return add(naming, cacheName, value);
    }

    private <T> CacheChanges add(Map<String, Set<T>> entries, String cacheName, T entry) {
        if (!whole.contains(cacheName)) {
            entries.computeIfAbsent(cacheName, name -> new LinkedHashSet<>()).add(entry);
        }
        return this;
    }

    /** Every entry of the cache {@code cacheName}. */
    public CacheChanges all(String cacheName) {
        whole.add(cacheName);
        keys.remove(cacheName);
        showing.remove(cacheName);
        showingUser.remove(cacheName);
        naming.remove(cacheName);
        return this;
    }

    public boolean isEmpty() {
        return whole.isEmpty() && keys.isEmpty() && showing.isEmpty() && showingUser.isEmpty() && naming.isEmpty();
    }

    /** The names of the caches it empties, entirely or in part. */
    Set<String> cacheNames() {
        Set<String> names = new LinkedHashSet<>(whole);
        names.addAll(keys.keySet());
        names.addAll(showing.keySet());
        names.addAll(showingUser.keySet());
        names.addAll(naming.keySet());
        return names;
    }

    /** The caches emptied entirely. */
    public Set<String> whole() {
        return Collections.unmodifiableSet(whole);
    }

    /** The caches emptied only at some keys, with those keys. */
    public Map<String, Set<Object>> keys() {
        return Collections.unmodifiableMap(keys);
    }

    /** The caches emptied where their views show some articles, with those articles' ids. */
    public Map<String, Set<Long>> showing() {
        return Collections.unmodifiableMap(showing);
    }

    /** The caches emptied where their views show some users, with those users' ids. */
    public Map<String, Set<Long>> showingUser() {
        return Collections.unmodifiableMap(showingUser);
    }

    /** The caches emptied where their keys name some values, with those values. */
    public Map<String, Set<String>> naming() {
        return Collections.unmodifiableMap(naming);
    }

    /** Empties these entries in this replica's caches; a cache this replica does not have is skipped. */
    void applyTo(ViewCaches caches) {
        for (String name : whole) {
            caches.find(name).ifPresent(ViewCache::invalidateAll);
        }
        keys.forEach((name, entries) -> caches.find(name).ifPresent(cache -> entries.forEach(cache::invalidate)));
        Set<String> selected = new LinkedHashSet<>(showing.keySet());
        selected.addAll(showingUser.keySet());
        selected.addAll(naming.keySet());
        for (String name : selected) {
            Set<String> named = naming.getOrDefault(name, Set.of());
            Set<Long> articleIds = showing.getOrDefault(name, Set.of());
            Set<Long> userIds = showingUser.getOrDefault(name, Set.of());
            caches.find(name).ifPresent(cache -> cache.invalidateIf((key, view) ->
                    names(key, named) || shows(view, articleIds, userIds)));
        }
    }

    private static boolean names(Object key, Set<String> values) {
        if (values.isEmpty()) {
            return false;
        }
        if (key instanceof NamedKey parts) {
            return values.stream().anyMatch(parts::names);
        }
        return values.contains(key);
    }

    /** Whether a view shows one of the articles or users; a view still loading (null) may, from before the write. */
    private static boolean shows(Object view, Set<Long> articleIds, Set<Long> userIds) {
        if (articleIds.isEmpty() && userIds.isEmpty()) {
            return false;
        }
        if (view == null) {
            return true;
        }
        return articleIds.stream().anyMatch(id -> showsArticle(view, id)) || userIds.stream().anyMatch(id -> showsUser(view, id));
    }

    /** Whether the view shows the article; a view of another kind may: empty it to be safe. */
    private static boolean showsArticle(Object view, long articleId) {
        return !(view instanceof ShowsArticles articles) || articles.showsArticle(articleId);
    }

    /** Whether the view (or an item of a list) shows the user; a view of another kind may: empty it to be safe. */
    private static boolean showsUser(Object view, long userId) {
        if (view instanceof ShowsUsers users) {
            return users.showsUser(userId);
        }
        if (view instanceof Collection<?> items) {
            return items.stream().anyMatch(item -> showsUser(item, userId));
        }
        return true;
    }

    @Override
    public String toString() {
        return "all of " + whole + ", keys " + keys + ", showing " + showing + ", showing users " + showingUser + ", naming " + naming;
    }
}

package dev.ballast.cache;

import io.quarkus.cache.CacheManager;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The caches of hot reads (filled by {@code @CacheResult} in the repositories) and what each write empties:
 * views every reader shares (no one's flags in them), and per signed-in reader their own favorites and follows
 * ({@link #VIEWER_FLAGS}, keyed by the reader: a reader's flags can never be served to someone else). Invalidation runs
 * after the write has committed, through one primitive, {@link #invalidate(CacheChanges)}: it empties the
 * entries on this replica, then announces them to every other replica in one Postgres notice
 * ({@link CacheNoticeSender}), which empty them within milliseconds. A notice lost (listener reconnecting, a
 * failed send) leaves the other replicas serving a view at most {@code CACHE_TTL} old.
 */
@ApplicationScoped
public class ReadCaches {

    public static final String ARTICLE = "article";
    public static final String ARTICLE_LISTS = "article-lists";
    public static final String COMMENTS = "comments";
    public static final String PROFILE = "profile";
    public static final String TAGS = "tags";
    /** Per signed-in viewer: their favorites and follows (viewer/ViewerFlags), emptied by their own writes. */
    public static final String VIEWER_FLAGS = "viewer-flags";

    private final CacheManager caches;
    private final CacheNoticeSender notices;

    ReadCaches(CacheManager caches, CacheNoticeSender notices) {
        this.caches = caches;
        this.notices = notices;
    }

    /**
     * A cached read detached from the cancellation of the other callers of the same key. The Uni a
     * {@code @CacheResult} method returns waits on one future shared by every caller of the same key while the
     * value loads, and Mutiny cancels that future itself when one caller goes away (a client resetting its
     * request): every other caller waiting on it would then fail with a {@code CancellationException}, answered
     * 500 (docs/resilience.md tells the run that showed it). Here a caller that goes away only stops listening;
     * the load goes on for the others and fills the cache.
     */
    public static <T> Uni<T> detachedFromCancellation(Uni<T> cached) {
        return Uni.createFrom().emitter(emitter -> cached.subscribe().with(emitter::complete, emitter::fail));
    }

    /** An article was created, changed or deleted: its view, every list, the tags. */
    public Uni<Void> articleChanged(String... slugs) {
        CacheChanges changes = new CacheChanges().all(ARTICLE_LISTS).all(TAGS);
        for (String slug : slugs) {
            changes.key(ARTICLE, slug).key(COMMENTS, slug);
        }
        return invalidate(changes);
    }

    /**
     * {@code username} favorited or unfavorited an article: its view (its count), the lists showing it, the
     * lists of that user's favorites (keyed by their name) and their flags. Every other list and the tags are
     * unchanged.
     */
    public Uni<Void> favoritesChanged(String slug, long articleId, long userId, String username) {
        return invalidate(new CacheChanges().key(ARTICLE, slug).showing(ARTICLE_LISTS, articleId).naming(ARTICLE_LISTS, username)
                .key(VIEWER_FLAGS, userId));
    }

    /** The user followed or unfollowed someone: only their own flags change (views show no follower counts). */
    public Uni<Void> followsChanged(long userId) {
        return invalidate(new CacheChanges().key(VIEWER_FLAGS, userId));
    }

    /** A comment was added or deleted. */
    public Uni<Void> commentsChanged(String slug) {
        return invalidate(new CacheChanges().key(COMMENTS, slug));
    }

    /** A user changed name, bio or image, which every view of their articles, comments and profile shows. */
    public Uni<Void> userChanged() {
        return invalidate(new CacheChanges().all(ARTICLE).all(ARTICLE_LISTS).all(COMMENTS).all(PROFILE));
    }

    /** Empties one entry of the named cache, here and on every replica. */
    public Uni<Void> invalidate(String cacheName, Object key) {
        return invalidate(new CacheChanges().key(cacheName, key));
    }

    /** Empties the named cache, here and on every replica. */
    public Uni<Void> invalidateAll(String cacheName) {
        return invalidate(new CacheChanges().all(cacheName));
    }

    /**
     * Empties what one write changed: here first (so this replica's next read sees the write), then on every
     * other replica through one notice. Call it after the write has committed. It fails only when this
     * replica's own caches cannot be emptied; a notice that cannot be sent is logged and counted, never a failure.
     */
    public Uni<Void> invalidate(CacheChanges changes) {
        return changes.applyTo(caches).chain(() -> notices.announce(changes));
    }
}

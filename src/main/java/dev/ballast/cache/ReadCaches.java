package dev.ballast.cache;

import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The caches of hot anonymous reads (filled by {@code @CacheResult} in the repositories) and what each
 * write empties. Only views that are the same for every anonymous caller are cached, so a user's own
 * flags ({@code favorited}, {@code following}) can never be served to someone else. Invalidation runs
 * after the write has committed; caches are per replica, so other replicas may serve a view up to its
 * time-to-live old ({@code CACHE_TTL}).
 */
@ApplicationScoped
public class ReadCaches {

    public static final String ARTICLE = "article";
    public static final String ARTICLE_LISTS = "article-lists";
    public static final String COMMENTS = "comments";
    public static final String PROFILE = "profile";
    public static final String TAGS = "tags";

    private final Cache article;
    private final Cache articleLists;
    private final Cache comments;
    private final Cache profile;
    private final Cache tags;

    ReadCaches(@CacheName(ARTICLE) Cache article, @CacheName(ARTICLE_LISTS) Cache articleLists,
               @CacheName(COMMENTS) Cache comments, @CacheName(PROFILE) Cache profile, @CacheName(TAGS) Cache tags) {
        this.article = article;
        this.articleLists = articleLists;
        this.comments = comments;
        this.profile = profile;
        this.tags = tags;
    }

    /**
     * A cached read as one caller's own. The Uni a {@code @CacheResult} method returns waits on one future
     * shared by every caller of the same key while the value loads, and Mutiny cancels that future itself when
     * one caller goes away (a client resetting its request): every other caller waiting on it then fails with a
     * {@code CancellationException}, answered 500 (1,074 of them in the slow-query burst run, docs/resilience.md).
     * Here a caller that goes away only stops listening; the load goes on for the others and fills the cache.
     */
    public static <T> Uni<T> ownCopy(Uni<T> cached) {
        return Uni.createFrom().emitter(emitter -> cached.subscribe().with(emitter::complete, emitter::fail));
    }

    /** An article was created, changed, deleted, favorited or unfavorited: its view, every list, the tags. */
    public Uni<Void> articleChanged(String... slugs) {
        Uni<Void> done = Uni.join().all(articleLists.invalidateAll(), tags.invalidateAll()).andFailFast().replaceWithVoid();
        for (String slug : slugs) {
            done = done.chain(() -> article.invalidate(slug)).chain(() -> comments.invalidate(slug));
        }
        return done;
    }

    /** A comment was added or deleted. */
    public Uni<Void> commentsChanged(String slug) {
        return comments.invalidate(slug);
    }

    /** A user changed name, bio or image, which every view of their articles, comments and profile shows. */
    public Uni<Void> userChanged() {
        return Uni.join().all(article.invalidateAll(), articleLists.invalidateAll(), comments.invalidateAll(),
                profile.invalidateAll()).andFailFast().replaceWithVoid();
    }
}

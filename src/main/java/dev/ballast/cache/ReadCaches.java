package dev.ballast.cache;

import dev.ballast.facts.Fact;
import dev.ballast.facts.Fact.ArticleCreated;
import dev.ballast.facts.Fact.ArticleDeleted;
import dev.ballast.facts.Fact.ArticleRestored;
import dev.ballast.facts.Fact.ArticleUpdated;
import dev.ballast.facts.Fact.ArticlesArchived;
import dev.ballast.facts.Fact.CommentAdded;
import dev.ballast.facts.Fact.CommentDeleted;
import dev.ballast.facts.Fact.FavoriteChanged;
import dev.ballast.facts.Fact.FollowChanged;
import dev.ballast.facts.Fact.PasswordChanged;
import dev.ballast.facts.Fact.ProfileChanged;
import dev.ballast.db.WalPositions;
import dev.ballast.facts.Facts;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The caches of hot reads ({@link ViewCaches}, filled by the repositories) and the one place that knows what each
 * write empties. Views every reader shares hold no one's flags; per signed-in reader their own favorites and follows
 * ({@link #VIEWER_FLAGS}, keyed by the reader: a reader's flags can never be served to someone else). A committed
 * write's facts ({@link Facts}) become the entries they change ({@link CacheChanges}): emptied here before the write
 * answers, then on every other replica through one notice ({@link CacheNoticeSender}), sent after the write without
 * its waiting. A notice lost (a replica stopping before it went out, a listener reconnecting, a refused send) leaves
 * the other replicas serving a view at most {@code CACHE_TTL} old. With read replicas, each change carries the WAL
 * position of its write ({@link WalPositions}), here and in its notice: a cache it emptied keeps no fill read on a
 * read replica that had not replayed it ({@link ViewCache}).
 */
@ApplicationScoped
public class ReadCaches implements Facts {

    public static final String ARTICLE = "article";
    public static final String ARTICLE_LISTS = "article-lists";
    public static final String COMMENTS = "comments";
    public static final String PROFILE = "profile";
    public static final String TAGS = "tags";
    /** Per author: their newest live articles and live count (article/Timelines), shared by every reader of the feed. */
    public static final String ARTICLE_TIMELINES = "article-timelines";
    /** Per slug: a live article as list pages show it (article/ListViews), emptied wherever {@link #ARTICLE} is. */
    public static final String LIST_VIEWS = "article-list-views";
    /** Per signed-in viewer: their favorites and follows (viewer/ViewerFlags), emptied by their own writes. */
    public static final String VIEWER_FLAGS = "viewer-flags";
    /** Per user: their token generation (auth/TokenGenerations), emptied by a password change. */
    public static final String TOKEN_GENERATIONS = "token-generation";

    private final ViewCaches caches;
    private final CacheNoticeSender notices;
    private final WalPositions positions;

    ReadCaches(ViewCaches caches, CacheNoticeSender notices, WalPositions positions) {
        this.caches = caches;
        this.notices = notices;
        this.positions = positions;
    }

    /**
     * Empties what one write changed: here first (so this replica's next read sees the write), then on every other
     * replica through one notice. It fails only when this replica's own caches cannot be emptied; a notice that cannot
     * be sent is logged and counted, never a failure.
     */
    @Override
    public void committed(List<Fact> facts) {
        CacheChanges changes = changesOf(facts);
        if (!changes.isEmpty()) {
            Uni<Long> position = positions.ofThisRequestsWrite().memoize().indefinitely();
            caches.empty(changes, position);
            notices.announce(changes, position);
        }
    }

    /** The entries the facts of one write change, together. */
    static CacheChanges changesOf(List<Fact> facts) {
        CacheChanges changes = new CacheChanges();
        facts.forEach(fact -> add(fact, changes));
        return changes;
    }

    private static void add(Fact fact, CacheChanges changes) {
        if (fact instanceof ArticleCreated created) {
            // Only a new article with tags changes which tags are used.
            article(changes, created.slug(), created.tagged()).key(ARTICLE_TIMELINES, created.authorId());
        } else if (fact instanceof ArticleUpdated updated) {
            article(changes, updated.slug(), false).key(ARTICLE_TIMELINES, updated.authorId());
            if (updated.newSlug() != null) {
                article(changes, updated.newSlug(), false);
            }
        } else if (fact instanceof ArticleDeleted deleted) {
            article(changes, deleted.slug(), true).key(ARTICLE_TIMELINES, deleted.authorId());
        } else if (fact instanceof ArticleRestored restored) {
            // Its author is not known before the write (another user's write brings it back): every timeline.
            article(changes, restored.slug(), true).all(ARTICLE_TIMELINES);
        } else if (fact instanceof ArticlesArchived) {
            // Archived articles leave the lists, counts, timelines and tags every reader shares; their own pages stay.
            changes.all(ARTICLE_LISTS).all(TAGS).all(ARTICLE_TIMELINES);
        } else if (fact instanceof FavoriteChanged favorite) {
            // Its count: the article's views and only the lists showing it, the lists of the user's favorites, and
            // the user's flags; every other list and the tags are unchanged.
            changes.key(ARTICLE, favorite.slug()).key(LIST_VIEWS, favorite.slug()).key(VIEWER_FLAGS, favorite.userId())
                    .showing(ARTICLE_LISTS, favorite.articleId()).naming(ARTICLE_LISTS, favorite.username());
        } else if (fact instanceof CommentAdded added) {
            changes.key(COMMENTS, added.articleSlug());
        } else if (fact instanceof CommentDeleted deleted) {
            changes.key(COMMENTS, deleted.articleSlug());
        } else if (fact instanceof FollowChanged follow) {
            // Views show no follower counts: only the follower's own flags change.
            changes.key(VIEWER_FLAGS, follow.followerId());
        } else if (fact instanceof ProfileChanged profile) {
            user(changes, profile);
        } else if (fact instanceof PasswordChanged password) {
            changes.key(TOKEN_GENERATIONS, password.userId());
        } else {
            throw new IllegalArgumentException("no cache entries known for " + fact);
        }
    }

    /**
     * An article's own views and comments and every list (their pages and counts), and the tags when
     * {@code tagsChanged}: a write that adds or removes live articles' tags (a new article with tags, a deletion, an
     * article archived or brought back); one that leaves them as they were (a new article without tags, a change of
     * title, description or body) keeps every replica's tags view cached.
     */
    private static CacheChanges article(CacheChanges changes, String slug, boolean tagsChanged) {
        changes.all(ARTICLE_LISTS).key(ARTICLE, slug).key(LIST_VIEWS, slug).key(COMMENTS, slug);
        return tagsChanged ? changes.all(TAGS) : changes;
    }

    /**
     * The views that show the user, and no other: their profile, their articles (and their list views), the lists
     * showing one of those and the comment lists showing one of their comments; after a new name also the profile
     * and the lists (by author, by favorites) keyed by either name.
     */
    private static void user(CacheChanges changes, ProfileChanged profile) {
        changes.key(PROFILE, profile.usernameBefore()).showingUser(ARTICLE, profile.userId())
                .showingUser(LIST_VIEWS, profile.userId()).showingUser(ARTICLE_LISTS, profile.userId())
                .showingUser(COMMENTS, profile.userId());
        if (!profile.usernameBefore().equals(profile.username())) {
            changes.key(PROFILE, profile.username()).naming(ARTICLE_LISTS, profile.usernameBefore())
                    .naming(ARTICLE_LISTS, profile.username());
        }
    }
}

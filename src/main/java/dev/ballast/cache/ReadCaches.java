package dev.ballast.cache;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The caches of hot reads ({@link ViewCaches}, filled by the repositories) and what each write empties:
 * views every reader shares (no one's flags in them), and per signed-in reader their own favorites and follows
 * ({@link #VIEWER_FLAGS}, keyed by the reader: a reader's flags can never be served to someone else). What a write
 * changed goes to every other replica as one Postgres notice ({@link CacheNoticeSender}), which empty the same entries
 * within milliseconds: a write to the API has its statement choose its notice ({@link #notice}) and, once that
 * statement has completed, empties this replica and sends the notice ({@link #emptyAfterWrite}); other writes
 * do the same with what they changed ({@link #invalidate(CacheChanges)}). A notice lost (listener reconnecting,
 * a refused send) leaves the other replicas serving a view at most {@code CACHE_TTL} old.
 */
@ApplicationScoped
public class ReadCaches {

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

    private final ViewCaches caches;
    private final CacheNoticeSender notices;

    ReadCaches(ViewCaches caches, CacheNoticeSender notices) {
        this.caches = caches;
        this.notices = notices;
    }

    /**
     * Whether an article write can change the tags view ({@link #TAGS}: the most used tags of live articles, in
     * order of use): a write that adds or removes live articles' tags can (a new article with tags, a deletion, an
     * article archived or brought back); one that leaves them as they were cannot (a new article without tags, a
     * change of title, description or body) and keeps every replica's tags view cached.
     */
    public enum TagsView {
        CHANGED,
        UNCHANGED
    }

    /**
     * What an article of {@code authorId} created, changed, deleted or brought back from the archive changes: its
     * views and comments, every list (their pages and counts), its author's timeline (the newest articles, their
     * slugs and count), and the tags when {@code tags} is {@link TagsView#CHANGED}.
     */
    public static CacheChanges articleChanges(long authorId, TagsView tags, String... slugs) {
        return articlesChanged(tags, slugs).key(ARTICLE_TIMELINES, authorId);
    }

    /**
     * The same when the author is not known before the write (another user's write bringing the article back from
     * the archive, the archive job): every timeline.
     */
    public static CacheChanges articleChanges(TagsView tags, String... slugs) {
        return articlesChanged(tags, slugs).all(ARTICLE_TIMELINES);
    }

    private static CacheChanges articlesChanged(TagsView tags, String... slugs) {
        CacheChanges changes = new CacheChanges().all(ARTICLE_LISTS);
        if (tags == TagsView.CHANGED) {
            changes.all(TAGS);
        }
        for (String slug : slugs) {
            changes.key(ARTICLE, slug).key(LIST_VIEWS, slug).key(COMMENTS, slug);
        }
        return changes;
    }

    /**
     * What a user's favorite or unfavorite changes, as far as known before the write: the article's view (its
     * count), its list view and the user's flags. The lists showing the article and the lists of the user's favorites (keyed by
     * their name) are named by the write's statement, which knows the article's id and the user's name
     * ({@link CacheChanges#showing}, {@link CacheChanges#naming}); every other list and the tags are unchanged.
     */
    public static CacheChanges favoriteChanges(String slug, long userId) {
        return new CacheChanges().key(ARTICLE, slug).key(LIST_VIEWS, slug).key(VIEWER_FLAGS, userId);
    }

    /** The user followed or unfollowed someone: only their own flags change (views show no follower counts). */
    public static CacheChanges followChanges(long userId) {
        return new CacheChanges().key(VIEWER_FLAGS, userId);
    }

    /** A comment was added to or deleted from the article. */
    public static CacheChanges commentChanges(String slug) {
        return new CacheChanges().key(COMMENTS, slug);
    }

    /** Articles were archived outside a request (the archive job): their tags no longer count. */
    public Uni<Void> articleChanged(String... slugs) {
        return invalidate(articleChanges(TagsView.CHANGED, slugs));
    }

    /**
     * A user changed their name, bio or image: the views that show them, and no other. Their profile, their
     * articles (and their list views), the lists showing one of those and the comment lists showing one of their comments; after a new
     * name also the profile and the lists (by author, by favorites) keyed by either name.
     */
    public Uni<Void> userChanged(long userId, String usernameBefore, String username) {
        CacheChanges changes = new CacheChanges().key(PROFILE, usernameBefore)
                .showingUser(ARTICLE, userId).showingUser(LIST_VIEWS, userId).showingUser(ARTICLE_LISTS, userId).showingUser(COMMENTS, userId);
        if (!usernameBefore.equals(username)) {
            changes.key(PROFILE, username).naming(ARTICLE_LISTS, usernameBefore).naming(ARTICLE_LISTS, username);
        }
        return invalidate(changes);
    }

    /**
     * The notice of a write, for its statement to choose from: one of these payloads (the second when it brought
     * the article back from the archive), which it returns, and sends itself when {@link WriteNotice#channel()}
     * is set ({@code pg_notify} in the write's transaction, delivered when it commits, not at all when it fails).
     * {@link #emptyAfterWrite} then applies the payload chosen here and sends it to the others, unless sent.
     */
    public WriteNotice notice(CacheChanges changes, CacheChanges whenRestored) {
        long now = System.currentTimeMillis();
        String payload = encode(changes, now);
        return new WriteNotice(notices.channelForWrites(), payload, changes,
                whenRestored == changes ? payload : encode(whenRestored, now), whenRestored);
    }

    /** The notice of a write that brings nothing back from the archive. */
    public WriteNotice notice(CacheChanges changes) {
        return notice(changes, changes);
    }

    private String encode(CacheChanges changes, long nowMillis) {
        return CacheNoticeCodec.encode(new CacheNoticeCodec.Notice(notices.instanceId(), nowMillis, changes));
    }

    /**
     * Empties here, then on every other replica, what a write's statement changed: {@code sent}, the payload it
     * returned (null when it changed nothing) of its {@code notice}. Call it once the statement has completed
     * (committed).
     */
    public Uni<Void> emptyAfterWrite(WriteNotice notice, String sent) {
        if (sent == null) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().item(() -> {
            notice.changesOf(sent).applyTo(caches);
            notices.afterWrite(notice, sent);
            return null;
        });
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
     * other replica through one notice (sent in the next batch). Call it after the write has committed. It fails
     * only when this replica's own caches cannot be emptied; a notice that cannot be sent is logged and counted,
     * never a failure.
     */
    public Uni<Void> invalidate(CacheChanges changes) {
        return Uni.createFrom().item(() -> {
            changes.applyTo(caches);
            notices.announce(changes);
            return null;
        });
    }
}

package dev.ballast.viewer;

import dev.ballast.cache.CacheSettings;
import dev.ballast.cache.HeapBytes;
import dev.ballast.cache.ReadCaches;
import dev.ballast.cache.ViewCache;
import dev.ballast.cache.ViewCaches;
import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What is personal in a signed-in read: which of the shown articles the viewer has favorited and which of the
 * shown users they follow. Everything else a signed-in viewer sees is the view every reader shares (cached).
 *
 * <p>A viewer's favorites and follows are read once, in one statement, and cached per viewer
 * ({@link ReadCaches#VIEWER_FLAGS}); the viewer's own favorite, unfavorite, follow and unfollow empty their
 * entry (on every replica), so a signed-in page usually costs no statement at all. A viewer with more than
 * {@code ballast.cache.viewer-flags-ids-max} favorites or follows is not cached (memory stays bounded): their
 * flags come from one statement over the page's ids instead.
 */
@ApplicationScoped
public class ViewerFlags {

    /**
     * Index-only scans of the viewer's favorites, archived ones too (V22's view), and follows, one more row than the
     * cap to tell "too many".
     */
    public static final Statement ALL_OF_VIEWER = Statement.read("viewer.flags.all", """
            select array(select f.article_id from all_favorites f where f.user_id = $1 limit $2) as favorited,
                   array(select fo.followee_id from follows fo where fo.follower_id = $1 limit $2) as following""");

    /** Primary-key lookups over the ids shown, archived articles' favorites too (V22's view). */
    public static final Statement OF_SHOWN_IDS = Statement.read("viewer.flags.ofShownIds", """
            select array(select f.article_id from all_favorites f where f.user_id = $1 and f.article_id = any($2::bigint[])) as favorited,
                   array(select fo.followee_id from follows fo where fo.follower_id = $1 and fo.followee_id = any($3::bigint[])) as following""");

    /** A viewer's flags: the ids of the articles they favorited and of the users they follow, sorted. */
    public record Flags(long[] favoritedArticles, long[] followedUsers) implements HeapBytes.Weighed {

        public static final Flags NONE = new Flags(new long[0], new long[0]);
        /** Cached (by identity) for a viewer with more favorites or follows than the cap: read theirs per view. */
        static final Flags TOO_MANY_TO_CACHE = new Flags(new long[0], new long[0]);

        static Flags of(Row row) {
            return new Flags(sorted(row.getArrayOfLongs("favorited")), sorted(row.getArrayOfLongs("following")));
        }

        public boolean favorited(long articleId) {
            return Arrays.binarySearch(favoritedArticles, articleId) >= 0;
        }

        public boolean following(long userId) {
            return Arrays.binarySearch(followedUsers, userId) >= 0;
        }

        @Override
        public long heapBytes() {
            return HeapBytes.OBJECT + HeapBytes.of(favoritedArticles) + HeapBytes.of(followedUsers);
        }

        boolean exceeds(int max) {
            return favoritedArticles.length > max || followedUsers.length > max;
        }

        private static long[] sorted(Long[] ids) {
            long[] sorted = Arrays.stream(ids).mapToLong(Long::longValue).toArray();
            Arrays.sort(sorted);
            return sorted;
        }
    }

    /** The ids a view shows: of articles, and of users. */
    public record ShownIds(Collection<Long> articleIds, Collection<Long> userIds) {
    }

    private final Database db;
    private final ViewCache<Long, Flags> cache;
    private final int idsMax;

    ViewerFlags(Database db, ViewCaches caches, CacheSettings settings) {
        this.db = db;
        this.cache = caches.named(ReadCaches.VIEWER_FLAGS);
        this.idsMax = settings.viewerFlagsIdsMax();
    }

    /**
     * The flags of {@code viewerId} (null when anonymous) for a view showing {@code shown}: the viewer's cached
     * flags, or one statement over the ids shown for a viewer with too many to cache (the ids are collected only
     * then); nothing for an anonymous viewer.
     */
    public Uni<Flags> flagsFor(Long viewerId, Supplier<ShownIds> shown) {
        if (viewerId == null) {
            return Uni.createFrom().item(Flags.NONE);
        }
        // A loaded entry is answered without building a Mutiny chain: this runs for every signed-in view.
        Flags cached = cache.now(viewerId);
        return cached != null ? flagsFor(cached, viewerId, shown) : allOf(viewerId).chain(all -> flagsFor(all, viewerId, shown));
    }

    /** The viewer's cached flags, or for a viewer with too many to cache one statement over the ids shown. */
    private Uni<Flags> flagsFor(Flags all, long viewerId, Supplier<ShownIds> shown) {
        if (all != Flags.TOO_MANY_TO_CACHE) {
            return Uni.createFrom().item(all);
        }
        ShownIds ids = shown.get();
        return ids.articleIds().isEmpty() && ids.userIds().isEmpty() ? Uni.createFrom().item(Flags.NONE)
                : db.execute(OF_SHOWN_IDS, Tuple.of(viewerId, ids.articleIds().toArray(Long[]::new), ids.userIds().toArray(Long[]::new)))
                        .map(rows -> Flags.of(rows.iterator().next()));
    }

    /** Every favorite and follow of the viewer, as cached; empty when they have more than the cap (not cached). */
    public Uni<Optional<Flags>> cached(long viewerId) {
        return allOf(viewerId).map(all -> all == Flags.TOO_MANY_TO_CACHE ? Optional.empty() : Optional.of(all));
    }

    /** All the viewer's flags, or {@link Flags#TOO_MANY_TO_CACHE} when they have more than the cap. */
    Uni<Flags> allOf(long viewerId) {
        return cache.get(viewerId, this::load);
    }

    private Uni<Flags> load(long viewerId) {
        return db.execute(ALL_OF_VIEWER, Tuple.of(viewerId, idsMax + 1)).map(rows -> {
            Flags all = Flags.of(rows.iterator().next());
            return all.exceeds(idsMax) ? Flags.TOO_MANY_TO_CACHE : all;
        });
    }
}

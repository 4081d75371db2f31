package dev.ballast.viewer;

import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * What is personal in a signed-in read: which of the shown articles the viewer has favorited and which of the
 * shown users they follow. Everything else a signed-in viewer sees is the view every reader shares (cached),
 * so a signed-in page costs this one small statement over the page's ids, read fresh each time: a viewer's
 * flags are always their own and current after their own writes, on every replica.
 */
@ApplicationScoped
public class ViewerFlags {

    /** Primary-key lookups only; archived articles (V13) keep their favorites in their own table. */
    public static final Statement AMONG = Statement.read("viewer.flags", """
            select array(select f.article_id from favorites f where f.user_id = $1 and f.article_id = any($2::bigint[])
                         union all
                         select f.article_id from archived_favorites f where f.user_id = $1 and f.article_id = any($2::bigint[])) as favorited,
                   array(select fo.followee_id from follows fo where fo.follower_id = $1 and fo.followee_id = any($3::bigint[])) as following""");

    /** The viewer's flags among the ids read; {@link #NONE} for an anonymous viewer. */
    public record Flags(Set<Long> favoritedArticles, Set<Long> followedUsers) {

        public static final Flags NONE = new Flags(Set.of(), Set.of());

        public boolean favorited(long articleId) {
            return favoritedArticles.contains(articleId);
        }

        public boolean following(long userId) {
            return followedUsers.contains(userId);
        }
    }

    private final Database db;

    ViewerFlags(Database db) {
        this.db = db;
    }

    /**
     * The flags of {@code viewerId} (null when anonymous) among these articles and users: no statement when
     * anonymous or when nothing is shown.
     */
    public Uni<Flags> among(Long viewerId, Collection<Long> articleIds, Collection<Long> userIds) {
        if (viewerId == null || (articleIds.isEmpty() && userIds.isEmpty())) {
            return Uni.createFrom().item(Flags.NONE);
        }
        return db.execute(AMONG, Tuple.of(viewerId, articleIds.toArray(Long[]::new), userIds.toArray(Long[]::new)))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Flags(ids(row.getArrayOfLongs("favorited")), ids(row.getArrayOfLongs("following")));
                });
    }

    private static Set<Long> ids(Long[] ids) {
        return new HashSet<>(Arrays.asList(ids));
    }
}

package dev.ballast.article;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every author's {@link Timeline}, shared by all the readers who follow them and cached by author id
 * ({@link ReadCaches#ARTICLE_TIMELINES}): emptied when the author creates, deletes or renames an article, and
 * when articles leave for the archive or come back. The timelines a reader needs and nobody has cached are
 * read in one statement, whatever their number.
 */
@ApplicationScoped
class Timelines {

    /** Per author, their newest {@code $2} articles from the feed's index, and their live count (a counter, V8). */
    static final Statement NEWEST = Statement.read("article.timelines", """
            select u.id as author_id, u.articles_count, t.ids, t.created_at_micros, t.slugs
            from users u cross join lateral (
                select array_agg(a.id order by a.created_at desc, a.id desc) as ids,
                       array_agg((extract(epoch from a.created_at) * 1000000)::bigint order by a.created_at desc, a.id desc)
                           as created_at_micros,
                       array_agg(a.slug order by a.created_at desc, a.id desc) as slugs
                from (select id, created_at, slug from articles where author_id = u.id
                      order by created_at desc, id desc limit $2) a) t
            where u.id = any($1::bigint[])""");

    private final Database db;
    private final ViewCache<Long, Timeline> cache;
    private final int depth;

    Timelines(Database db, ViewCaches caches, FeedSettings settings) {
        this.db = db;
        this.cache = caches.named(ReadCaches.ARTICLE_TIMELINES);
        this.depth = settings.timelineDepth();
    }

    /** The timelines of these authors, in their order. */
    Uni<List<Timeline>> of(long[] authorIds) {
        List<Long> authors = Arrays.stream(authorIds).boxed().toList();
        return cache.getAll(authors, this::load)
                .map(found -> authors.stream().map(author -> found.getOrDefault(author, Timeline.EMPTY)).toList());
    }

    private Uni<Map<Long, Timeline>> load(List<Long> authorIds) {
        return db.execute(NEWEST, Tuple.of(authorIds.toArray(Long[]::new), depth)).map(rows -> {
            Map<Long, Timeline> loaded = new HashMap<>(rows.size() * 2);
            for (Row row : rows) {
                loaded.put(row.getLong("author_id"), timeline(row));
            }
            return loaded;
        });
    }

    private Timeline timeline(Row row) {
        long liveCount = row.getLong("articles_count");
        Long[] ids = row.getArrayOfLongs("ids");
        if (ids == null) {
            return new Timeline(new long[0], new long[0], new String[0], liveCount, liveCount == 0);
        }
        long[] createdAt = Arrays.stream(row.getArrayOfLongs("created_at_micros")).mapToLong(Long::longValue).toArray();
        return new Timeline(Arrays.stream(ids).mapToLong(Long::longValue).toArray(), createdAt, row.getArrayOfStrings("slugs"),
                liveCount, ids.length < depth || liveCount <= ids.length);
    }
}

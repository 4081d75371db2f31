package dev.ballast.tag;

import dev.ballast.cache.ReadCaches;
import dev.ballast.cache.ViewCache;
import dev.ballast.cache.ViewCaches;
import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The SQL of tags: the most used by live articles (their counter, V8), and how many of some names are no tag yet.
 */
@ApplicationScoped
class TagRepository {

    /**
     * The tags used by the most live articles, then by name, at most $1: the first entries of {@code tags_popular_idx}
     * (V20), an index scan with a limit however many tags there are.
     */
    static final Statement POPULAR = Statement.read("tag.popular", """
            select name from tags where articles_count > 0 order by articles_count desc, name limit $1""");

    /** How many of the distinct names $1 are no tag yet: one probe of {@code tags_name_key} each. */
    static final Statement NEW_AMONG = Statement.read("tag.newAmong", """
            select count(*) as new_tags from unnest($1::text[]) as given (name)
            where not exists (select 1 from tags t where t.name = given.name)""");

    private final Database db;
    private final ViewCache<String, List<String>> tags;
    private final int popularMax;

    TagRepository(Database db, ViewCaches caches, TagSettings settings) {
        if (settings.popularMax() < 1) {
            throw new IllegalArgumentException("ballast.tags.popular-max (TAGS_POPULAR_MAX) must be at least 1, was "
                    + settings.popularMax());
        }
        this.db = db;
        this.tags = caches.named(ReadCaches.TAGS);
        this.popularMax = settings.popularMax();
    }

    /** The most used tags, at most {@code ballast.tags.popular-max}; cached. */
    Uni<List<String>> popular() {
        return tags.get(ReadCaches.TAGS, ignored -> mostUsed(popularMax));
    }

    /** The {@code max} most used tags, most used first, then by name; not cached. */
    Uni<List<String>> mostUsed(int max) {
        return db.execute(POPULAR, Tuple.of(max)).map(rows -> {
            List<String> names = new ArrayList<>(rows.size());
            rows.forEach(row -> names.add(row.getString(0)));
            return List.copyOf(names);
        });
    }

    /** How many of these distinct names are no tag yet. */
    Uni<Integer> countNew(Collection<String> names) {
        return db.execute(NEW_AMONG, Tuple.tuple().addArrayOfString(names.toArray(String[]::new)))
                .map(rows -> (int) rows.iterator().next().getLong("new_tags").longValue());
    }
}

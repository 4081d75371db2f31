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
import java.util.List;

/** The SQL of tags: those used by at least one live article (their counter, V8), in name order. */
@ApplicationScoped
class TagRepository {

    private static final Statement IN_USE = Statement.read("tag.inUse", """
            select name from tags where articles_count > 0 order by name""");

    private final Database db;
    private final ViewCache<String, List<String>> tags;

    TagRepository(Database db, ViewCaches caches) {
        this.db = db;
        this.tags = caches.named(ReadCaches.TAGS);
    }

    Uni<List<String>> inUse() {
        return tags.get(ReadCaches.TAGS, ignored -> load());
    }

    private Uni<List<String>> load() {
        return db.execute(IN_USE, Tuple.tuple()).map(rows -> {
            List<String> names = new ArrayList<>(rows.size());
            rows.forEach(row -> names.add(row.getString(0)));
            return List.copyOf(names);
        });
    }
}

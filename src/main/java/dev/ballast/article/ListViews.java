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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Live articles as a list page shows them to every reader (no body, no one's flags), cached by slug
 * ({@link ReadCaches#LIST_VIEWS}) and emptied wherever the article's own view is (a change, a favorite, a
 * deletion, its author's profile). The views a page needs and nobody has cached are read in one statement.
 */
@ApplicationScoped
class ListViews {

    static final Statement BY_SLUGS = Statement.read("article.listViews",
            ArticleRepository.listView(false) + " where a.slug = any($1::text[])");

    private final Database db;
    private final ViewCache<String, SharedArticle> cache;

    ListViews(Database db, ViewCaches caches) {
        this.db = db;
        this.cache = caches.named(ReadCaches.LIST_VIEWS);
    }

    /** The views of these articles by slug; an article no longer live is missing. */
    Uni<Map<String, SharedArticle>> of(List<String> slugs) {
        return cache.getAll(slugs, this::load);
    }

    private Uni<Map<String, SharedArticle>> load(List<String> slugs) {
        return db.execute(BY_SLUGS, Tuple.of(slugs.toArray(String[]::new))).map(rows -> {
            Map<String, SharedArticle> loaded = new HashMap<>(rows.size() * 2);
            for (Row row : rows) {
                SharedArticle article = ArticleRow.from(row).shared();
                loaded.put(article.slug(), article);
            }
            return loaded;
        });
    }
}

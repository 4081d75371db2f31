package dev.ballast.archive;

import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import dev.ballast.facts.Fact;
import dev.ballast.facts.Fact.ArticleRestored;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The way back from the archive. Features write to live rows only, and read archived ones through the views of
 * V22 ({@code all_articles}, {@code all_article_tags}, {@code all_favorites}, {@code all_comments}); a write that
 * finds its article not live, and is allowed to change it, has it brought back here, then runs once more. A write
 * to a live article never comes here.
 */
@ApplicationScoped
public class ArchivedArticles {

    /**
     * Batched like the writes that call it: many writes finding one archived article hold no more connections while
     * they wait for its restore than a batched write does.
     */
    private static final Statement RESTORE = Statement.batchedWrite("archive.restore",
            "select restore_archived_article($1) as restored");

    private final Database db;

    ArchivedArticles(Database db) {
        this.db = db;
    }

    /**
     * Brings the archived article of the slug back, with its tags, favorites and comments; what that changed, nothing
     * when it was not archived (unknown, or brought back by another statement first: live either way).
     */
    public Uni<List<Fact>> restore(String slug) {
        return db.execute(RESTORE, Tuple.of(slug)).map(rows -> rows.iterator().next().getBoolean("restored")
                ? List.of(new ArticleRestored(slug)) : List.of());
    }
}

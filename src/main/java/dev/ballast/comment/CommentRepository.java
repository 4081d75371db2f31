package dev.ballast.comment;

import dev.ballast.cache.ReadCaches;
import dev.ballast.cache.ViewCache;
import dev.ballast.cache.ViewCaches;
import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import dev.ballast.facts.Fact;
import dev.ballast.facts.Fact.CommentAdded;
import dev.ballast.facts.Fact.CommentDeleted;
import dev.ballast.failures.NotFound;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of comments. Each operation finds its article by slug in the same statement. An article's comments
 * are read once for every reader and cached here.
 */
@ApplicationScoped
class CommentRepository {

    /**
     * Newest first, at most $2, while their bodies add up to at most $3 characters (the first always); the left joins
     * keep one row for an article without comments, so one statement tells 404 from empty. Live or archived (V22's
     * views): an archived article's comments answer like any other's.
     */
    static final Statement BY_ARTICLE = Statement.read("comment.byArticle", """
            select id, body, created_at, updated_at, user_id, username, bio, image, false as following
            from (select n.*, row_number() over newest_first as position,
                         sum(length(n.body)) over newest_first as characters
                  from (select c.id, c.body, c.created_at, c.updated_at, u.id as user_id, u.username, u.bio, u.image
                        from all_articles a
                             left join all_comments c on c.article_id = a.id
                             left join users u on u.id = c.author_id
                        where a.slug = $1
                        order by c.created_at desc, c.id desc
                        limit $2) n
                  window newest_first as (order by n.created_at desc, n.id desc)) page
            where position = 1 or characters <= $3
            order by created_at desc, id desc""");

    /** The author of comment $2 on the article $1, live or archived. */
    private static final Statement AUTHOR = Statement.read("comment.author", """
            select c.author_id from all_comments c join all_articles a on a.id = c.article_id where a.slug = $1 and c.id = $2""");

    // Each write is one statement on the live article, and returns the answer with what it changed. No row: the
    // article ($1) is unknown or archived (CommentService brings an archived one back when the write may change it).

    /** The caller's ($2) new comment ($3) on the article, with its author. */
    private static final Statement ADD = Statement.batchedWrite("comment.add", """
            with inserted as (
                insert into comments (article_id, author_id, body)
                select id, $2, $3 from articles where slug = $1
                returning id, author_id, body, created_at, updated_at)
            select i.id, i.body, i.created_at, i.updated_at, u.id as user_id, u.username, u.bio, u.image, false as following
            from inserted i join users u on u.id = i.author_id""");
    /** Deletes the caller's ($2) comment $3 when it is on the article. */
    private static final Statement DELETE = Statement.batchedWrite("comment.delete", """
            with target as (select id from articles where slug = $1),
            comment as (select c.id, c.author_id from comments c join target t on t.id = c.article_id where c.id = $3),
            allowed as (select id from comment where author_id = $2),
            deleted as (delete from comments where id in (select id from allowed) returning id)
            select exists(select 1 from comment) as found, exists(select 1 from allowed) as allowed,
                   exists(select 1 from deleted) as deleted
            from target""");

    private final Database db;
    private final ViewCache<String, List<SharedComment>> comments;

    CommentRepository(Database db, ViewCaches caches) {
        this.db = db;
        this.comments = caches.named(ReadCaches.COMMENTS);
    }

    /**
     * The newest comments of an article as every reader sees them, at most {@code max} of at most {@code maxChars}
     * characters in all; cached by slug. {@link NotFound} when the article is unknown.
     */
    Uni<List<SharedComment>> sharedByArticle(String slug, int max, int maxChars) {
        return comments.get(slug, key -> load(key, max, maxChars));
    }

    private Uni<List<SharedComment>> load(String slug, int max, int maxChars) {
        return db.execute(BY_ARTICLE, Tuple.of(slug, max, maxChars))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new NotFound("article");
                    }
                    List<SharedComment> comments = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        if (row.getLong("id") != null) {
                            comments.add(CommentRow.from(row).shared());
                        }
                    }
                    return List.copyOf(comments);
                });
    }

    /** Who wrote the comment, on the article live or archived; empty when it is not on that article. */
    Uni<Optional<Long>> author(String slug, long commentId) {
        return db.execute(AUTHOR, Tuple.of(slug, commentId)).map(rows -> Database.firstRow(rows).map(row -> row.getLong("author_id")));
    }

    /** Adds the comment; empty when the article is not live. */
    Uni<Optional<WriteResult>> add(String slug, long authorId, String body) {
        return db.execute(ADD, Tuple.of(slug, authorId, body))
                .map(rows -> Database.firstRow(rows).map(row -> new WriteResult(Outcome.DONE, CommentRow.from(row).view(), List.of(new CommentAdded(slug)))));
    }

    /** Deletes the caller's comment; empty when the article is not live. */
    Uni<Optional<WriteResult>> delete(String slug, long commentId, long userId) {
        return db.execute(DELETE, Tuple.of(slug, userId, commentId))
                .map(rows -> Database.firstRow(rows).map(row -> new WriteResult(
                        !row.getBoolean("found") ? Outcome.COMMENT_NOT_FOUND : !row.getBoolean("allowed") ? Outcome.FORBIDDEN : Outcome.DONE,
                        null, row.getBoolean("deleted") ? List.of(new CommentDeleted(slug)) : List.of())));
    }

    /** What a write did, the comment it answers with (when it added one), and what it changed. */
    record WriteResult(Outcome outcome, Comment comment, List<Fact> facts) {
    }

    enum Outcome {
        DONE,
        COMMENT_NOT_FOUND,
        /** Another user's comment. */
        FORBIDDEN
    }
}

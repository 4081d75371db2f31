package dev.ballast.comment;

import dev.ballast.archive.ArchiveSql;
import dev.ballast.cache.ReadCaches;
import dev.ballast.cache.ViewCache;
import dev.ballast.cache.ViewCaches;
import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import dev.ballast.facts.Fact;
import dev.ballast.facts.Fact.ArticleRestored;
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
     * keep one row for an article without comments, so one statement tells an unknown article from one without comments. {@code %s}: the article's
     * table and its comments' (live or archived).
     */
    private static final String NEWEST = """
            select id, body, created_at, updated_at, user_id, username, bio, image, false as following
            from (select n.*, row_number() over newest_first as position,
                         sum(length(n.body)) over newest_first as characters
                  from (select c.id, c.body, c.created_at, c.updated_at, u.id as user_id, u.username, u.bio, u.image
                        from %s a
                             left join %s c on c.article_id = a.id
                             left join users u on u.id = c.author_id
                        where a.slug = $1
                        order by c.created_at desc, c.id desc
                        limit $2) n
                  window newest_first as (order by n.created_at desc, n.id desc)) page
            where position = 1 or characters <= $3
            order by created_at desc, id desc""";
    static final Statement BY_ARTICLE = Statement.read("comment.byArticle", NEWEST.formatted("articles", "comments"));
    /**
     * The same from the archive tables (V13), read only when the slug is not live: reading a live article's
     * comments costs what it did before archiving.
     */
    private static final Statement ARCHIVED_BY_ARTICLE = Statement.read("comment.archivedByArticle",
            NEWEST.formatted("archived_articles", "archived_comments"));

    // Each write is one statement: it brings an archived article back first when the write is allowed
    // (ArchiveSql), writes, and returns the answer with what it changed. No row: the article ($1) is unknown.

    /** The caller's ($2) new comment ($3) on the article, with its author. */
    private static final Statement ADD = Statement.batchedWrite("comment.add", "with " + ArchiveSql.TARGET + """
            ,
            restoring as (
                select id, slug, title, description, body, author_id, favorites_count, created_at, updated_at,
                       null::bigint as dropped_favorite_of, null::bigint as dropped_comment
                from target where archived),
            """ + ArchiveSql.RESTORE + """
            ,
            inserted as (
                insert into comments (article_id, author_id, body)
                select id, $2, $3 from target where not archived or id in (select id from unarchived)
                returning id, author_id, body, created_at, updated_at)
            select (select count(*) from restoring) > (select count(*) from unarchived) as restore_lost,
                   exists(select 1 from unarchived) as restored,
                   i.id, i.body, i.created_at, i.updated_at, u.id as user_id, u.username, u.bio, u.image, false as following
            from target left join inserted i on true left join users u on u.id = i.author_id""");
    /** Deletes the caller's ($2) comment $3 when it is on the article; an archived article comes back without it. */
    private static final Statement DELETE = Statement.batchedWrite("comment.delete", "with " + ArchiveSql.TARGET + """
            ,
            comment as (
                select c.id, c.author_id from comments c join target t on t.id = c.article_id where c.id = $3
                union all
                select c.id, c.author_id from archived_comments c join target t on t.id = c.article_id where c.id = $3),
            allowed as (select id from comment where author_id = $2),
            restoring as (
                select id, slug, title, description, body, author_id, favorites_count, created_at, updated_at,
                       null::bigint as dropped_favorite_of, $3::bigint as dropped_comment
                from target where archived and exists(select 1 from allowed)),
            """ + ArchiveSql.RESTORE + """
            ,
            deleted as (
                delete from comments where id in (select id from allowed) and exists(select 1 from target where not archived)
                returning id)
            select exists(select 1 from comment) as found, exists(select 1 from allowed) as allowed,
                   (select count(*) from restoring) > (select count(*) from unarchived) as restore_lost,
                   exists(select 1 from unarchived) as restored, exists(select 1 from deleted) as deleted
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
        Tuple arguments = Tuple.of(slug, max, maxChars);
        return db.execute(BY_ARTICLE, arguments)
                .chain(rows -> rows.size() > 0 ? Uni.createFrom().item(rows) : db.execute(ARCHIVED_BY_ARTICLE, arguments))
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

    /** Adds the comment; empty when the article is unknown. */
    Uni<Optional<Written>> add(String slug, long authorId, String body) {
        return db.execute(ADD, Tuple.of(slug, authorId, body))
                .map(rows -> Database.firstRow(rows).map(row -> {
                    if (row.getBoolean("restore_lost")) {
                        return new Written(Outcome.RESTORE_LOST, null, List.of());
                    }
                    List<Fact> facts = new ArrayList<>(2);
                    if (row.getBoolean("restored")) {
                        facts.add(new ArticleRestored(slug));
                    }
                    facts.add(new CommentAdded(slug));
                    return new Written(Outcome.DONE, CommentRow.from(row).view(), facts);
                }));
    }

    /** Deletes the caller's comment; empty when the article is unknown. */
    Uni<Optional<Written>> delete(String slug, long commentId, long userId) {
        return db.execute(DELETE, Tuple.of(slug, userId, commentId))
                .map(rows -> Database.firstRow(rows).map(row -> {
                    Outcome outcome = !row.getBoolean("found") ? Outcome.COMMENT_NOT_FOUND
                            : !row.getBoolean("allowed") ? Outcome.FORBIDDEN
                            : row.getBoolean("restore_lost") ? Outcome.RESTORE_LOST : Outcome.DONE;
                    List<Fact> facts = new ArrayList<>(2);
                    if (row.getBoolean("restored")) {
                        facts.add(new ArticleRestored(slug)); // without the comment
                        facts.add(new CommentDeleted(slug));
                    } else if (row.getBoolean("deleted")) {
                        facts.add(new CommentDeleted(slug));
                    }
                    return new Written(outcome, null, facts);
                }));
    }

    /** What a write did, the comment it answers with (when it added one), and what it changed. */
    record Written(Outcome outcome, Comment comment, List<Fact> facts) {
    }

    enum Outcome {
        DONE,
        COMMENT_NOT_FOUND,
        /** Another user's comment. */
        FORBIDDEN,
        /** Another statement brought the article back from the archive first: nothing written, try again. */
        RESTORE_LOST
    }
}

package dev.ballast.comment;

import dev.ballast.archive.ArchiveRepository;
import dev.ballast.cache.ReadCaches;
import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import dev.ballast.http.ApiException;
import io.quarkus.cache.CacheKey;
import io.quarkus.cache.CacheResult;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** The SQL of comments. Each operation finds its article by slug in the same statement. */
@ApplicationScoped
class CommentRepository {

    /** Newest first; the left joins keep one row for an article without comments, so one statement tells 404 from empty. */
    static final Statement BY_ARTICLE = Statement.read("comment.byArticle", """
            select c.id, c.body, c.created_at, c.updated_at, u.username, u.bio, u.image,
                   exists(select 1 from follows fo where fo.follower_id = $2 and fo.followee_id = c.author_id) as following
            from articles a
                 left join comments c on c.article_id = a.id
                 left join users u on u.id = c.author_id
            where a.slug = $1
            order by c.created_at desc, c.id desc
            limit $3""");
    /**
     * The same from the archive tables (V13), read only when the slug is not live: reading a live article's
     * comments costs what it did before archiving.
     */
    private static final Statement ARCHIVED_BY_ARTICLE = Statement.read("comment.archivedByArticle",
            BY_ARTICLE.sql().replace("from articles a", "from archived_articles a")
                    .replace("left join comments c", "left join archived_comments c"));
    private static final Statement INSERT = Statement.write("comment.insert", """
            with inserted as (
                insert into comments (article_id, author_id, body) select id, $2, $3 from articles where slug = $1
                returning id, author_id, body, created_at, updated_at)
            select i.id, i.body, i.created_at, i.updated_at, u.username, u.bio, u.image, false as following
            from inserted i join users u on u.id = i.author_id""");
    private static final Statement AUTHOR = Statement.read("comment.author", """
            select c.author_id from comments c join articles a on a.id = c.article_id where a.slug = $1 and c.id = $2""");
    private static final Statement DELETE = Statement.write("comment.delete", "delete from comments where id = $1");

    private final Database db;
    private final ReadCaches caches;
    private final ArchiveRepository archive;

    CommentRepository(Database db, ReadCaches caches, ArchiveRepository archive) {
        this.db = db;
        this.caches = caches;
        this.archive = archive;
    }

    /** The comments of an article as any anonymous caller sees them; cached by slug. */
    @CacheResult(cacheName = ReadCaches.COMMENTS)
    Uni<List<Comment>> anonymousByArticle(@CacheKey String slug, int max) {
        return byArticle(slug, null, max);
    }

    /** The newest {@code max} comments of an article seen by {@code viewerId}; 404 when the slug is unknown. */
    Uni<List<Comment>> byArticle(String slug, Long viewerId, int max) {
        Tuple arguments = Tuple.of(slug, viewerId, max);
        return db.execute(BY_ARTICLE, arguments)
                .chain(rows -> rows.size() > 0 ? Uni.createFrom().item(rows) : db.execute(ARCHIVED_BY_ARTICLE, arguments))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("article");
                    }
                    List<Comment> comments = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        if (row.getLong("id") != null) {
                            comments.add(Comment.from(row));
                        }
                    }
                    return comments;
                });
    }

    Uni<Comment> add(String slug, long authorId, String body) {
        return archive.restore(slug).chain(() -> db.execute(INSERT, Tuple.of(slug, authorId, body)))
                .map(rows -> Comment.from(Database.firstRow(rows).orElseThrow(() -> ApiException.notFound("article")))).call(() -> caches.commentsChanged(slug));
    }

    /** Deletes the caller's own comment; 404 when it is not on that article, 403 when someone else's. */
    Uni<Void> delete(String slug, long commentId, long userId) {
        return archive.restore(slug).chain(() -> db.execute(AUTHOR, Tuple.of(slug, commentId))).chain(rows -> {
            Row comment = Database.firstRow(rows).orElseThrow(() -> ApiException.notFound("comment"));
            if (comment.getLong("author_id") != userId) {
                return Uni.createFrom().failure(ApiException.forbidden("only the author may delete this comment"));
            }
            return db.execute(DELETE, Tuple.of(commentId)).chain(() -> caches.commentsChanged(slug));
        });
    }
}

package dev.ballast.comment;

import dev.ballast.archive.ArchiveRepository;
import dev.ballast.cache.ReadCaches;
import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import dev.ballast.http.ApiException;
import dev.ballast.viewer.ViewerFlags;
import io.quarkus.cache.CacheKey;
import io.quarkus.cache.CacheResult;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL of comments. Each operation finds its article by slug in the same statement. An article's comments
 * are read once for every reader (cached); a signed-in viewer gets them with their own follow flags added.
 */
@ApplicationScoped
class CommentRepository {

    /** Newest first; the left joins keep one row for an article without comments, so one statement tells 404 from empty. */
    static final Statement BY_ARTICLE = Statement.read("comment.byArticle", """
            select c.id, c.body, c.created_at, c.updated_at, u.id as user_id, u.username, u.bio, u.image, false as following
            from articles a
                 left join comments c on c.article_id = a.id
                 left join users u on u.id = c.author_id
            where a.slug = $1
            order by c.created_at desc, c.id desc
            limit $2""");
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
            select i.id, i.body, i.created_at, i.updated_at, u.id as user_id, u.username, u.bio, u.image, false as following
            from inserted i join users u on u.id = i.author_id""");
    private static final Statement AUTHOR = Statement.read("comment.author", """
            select c.author_id from comments c join articles a on a.id = c.article_id where a.slug = $1 and c.id = $2""");
    private static final Statement DELETE = Statement.write("comment.delete", "delete from comments where id = $1");

    private final Database db;
    private final ReadCaches caches;
    private final ArchiveRepository archive;
    private final ViewerFlags viewerFlags;

    CommentRepository(Database db, ReadCaches caches, ArchiveRepository archive, ViewerFlags viewerFlags) {
        this.db = db;
        this.caches = caches;
        this.archive = archive;
        this.viewerFlags = viewerFlags;
    }

    /** The newest {@code max} comments of an article seen by {@code viewerId} (null when anonymous). */
    Uni<List<Comment>> byArticle(String slug, Long viewerId, int max) {
        Uni<List<Comment>> shared = ReadCaches.detachedFromCancellation(sharedByArticle(slug, max));
        return viewerId == null ? shared : shared.chain(comments -> viewerFlags
                .among(viewerId, List.of(), comments.stream().map(comment -> comment.author().id()).collect(Collectors.toSet()))
                .map(flags -> comments.stream().map(comment -> comment.seenWith(flags)).toList()));
    }

    /** The newest {@code max} comments of an article as every reader sees them; cached by slug. 404 when unknown. */
    @CacheResult(cacheName = ReadCaches.COMMENTS)
    Uni<List<Comment>> sharedByArticle(@CacheKey String slug, int max) {
        Tuple arguments = Tuple.of(slug, max);
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

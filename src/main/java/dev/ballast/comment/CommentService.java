package dev.ballast.comment;

import dev.ballast.archive.RestoreRace;
import dev.ballast.comment.CommentRepository.Outcome;
import dev.ballast.comment.CommentRepository.Written;
import dev.ballast.comment.CommentBodies.NewComment;
import dev.ballast.db.Database;
import dev.ballast.facts.Facts;
import dev.ballast.failures.NotFound;
import dev.ballast.failures.NotTheAuthor;
import dev.ballast.http.Limits;
import dev.ballast.viewer.ViewerFlags;
import dev.ballast.viewer.ViewerFlags.ShownIds;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reading and writing comments. An article's comments are the view every reader shares (cached in
 * {@link CommentRepository}) with the signed-in viewer's follow flags added. Each write is one statement that
 * checks the caller may write, brings an archived article back when the write is allowed, writes, and returns
 * the answer and what it changed; here the service hands what it changed to {@link Facts} and turns the outcome
 * into the answer or error.
 */
@ApplicationScoped
class CommentService {

    private final CommentRepository comments;
    private final ViewerFlags viewerFlags;
    private final Facts facts;
    private final Limits limits;

    CommentService(CommentRepository comments, ViewerFlags viewerFlags, Facts facts, Limits limits) {
        this.comments = comments;
        this.viewerFlags = viewerFlags;
        this.facts = facts;
        this.limits = limits;
    }

    /** The newest comments of an article seen by {@code viewerId} (null when anonymous); {@link NotFound} when unknown. */
    Uni<List<Comment>> byArticle(String slug, Long viewerId) {
        Uni<List<SharedComment>> shared = comments.sharedByArticle(slug, limits.commentsPerPage(), limits.commentsPageChars());
        if (viewerId == null) {
            return shared.map(list -> list.stream().map(SharedComment::unflagged).toList());
        }
        return shared.chain(list -> viewerFlags
                .flagsFor(viewerId, () -> new ShownIds(List.of(), list.stream().map(SharedComment::authorId).collect(Collectors.toSet())))
                .map(flags -> list.stream().map(comment -> comment.seenBy(flags)).toList()));
    }

    Uni<Comment> add(String slug, long authorId, NewComment comment) {
        comment.validate(limits);
        return added(slug, authorId, comment.body(), 0);
    }

    private Uni<Comment> added(String slug, long authorId, String body, int attempt) {
        return comments.add(slug, authorId, body)
                // The article was deleted while the comment waited for it: it is gone, as for any unknown slug.
                .onFailure(failure -> Database.isForeignKeyViolation(failure, "comments_article_id_fkey"))
                .transform(failure -> new NotFound("article"))
                .invoke(written -> written.ifPresent(done -> facts.committed(done.facts())))
                .chain(written -> {
                    Written done = written.orElseThrow(() -> new NotFound("article"));
                    return done.outcome() == Outcome.RESTORE_LOST
                            ? RestoreRace.retried(attempt, () -> added(slug, authorId, body, attempt + 1))
                            : Uni.createFrom().item(done.comment());
                });
    }

    /** Deletes the caller's own comment; {@link NotFound} when it is not on that article, {@link NotTheAuthor} when someone else's. */
    Uni<Void> delete(String slug, long commentId, long userId) {
        return deleted(slug, commentId, userId, 0);
    }

    private Uni<Void> deleted(String slug, long commentId, long userId, int attempt) {
        return comments.delete(slug, commentId, userId)
                .invoke(written -> written.ifPresent(done -> facts.committed(done.facts())))
                .chain(written -> switch (written.map(Written::outcome).orElse(Outcome.COMMENT_NOT_FOUND)) {
                    case DONE -> Uni.createFrom().voidItem();
                    case RESTORE_LOST -> RestoreRace.retried(attempt, () -> deleted(slug, commentId, userId, attempt + 1));
                    case FORBIDDEN -> Uni.createFrom().failure(new NotTheAuthor("delete this comment"));
                    case COMMENT_NOT_FOUND -> Uni.createFrom().failure(new NotFound("comment"));
                });
    }
}

package dev.ballast.comment;

import dev.ballast.archive.ArchivedArticles;
import dev.ballast.comment.CommentRepository.Outcome;
import dev.ballast.comment.CommentRepository.WriteResult;
import dev.ballast.comment.CommentBodies.NewComment;
import dev.ballast.db.Database;
import dev.ballast.facts.Fact;
import dev.ballast.facts.Facts;
import dev.ballast.failures.NotFound;
import dev.ballast.failures.NotTheAuthor;
import dev.ballast.http.Limits;
import dev.ballast.viewer.ViewerFlags;
import dev.ballast.viewer.ViewerFlags.ShownIds;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reading and writing comments. An article's comments are the view every reader shares (cached in
 * {@link CommentRepository}) with the signed-in viewer's follow flags added. Each write is one statement on the
 * live article that checks the caller may write, writes, and returns the answer and what it changed; here the
 * service hands what it changed to {@link Facts} and turns the outcome into the answer or error. A write that finds
 * the article archived brings it back when the write is allowed ({@link ArchivedArticles}), then runs once more.
 */
@ApplicationScoped
class CommentService {

    private final CommentRepository comments;
    private final ViewerFlags viewerFlags;
    private final Facts facts;
    private final Limits limits;
    private final ArchivedArticles archive;

    CommentService(CommentRepository comments, ViewerFlags viewerFlags, Facts facts, Limits limits, ArchivedArticles archive) {
        this.comments = comments;
        this.viewerFlags = viewerFlags;
        this.facts = facts;
        this.limits = limits;
        this.archive = archive;
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

    /** Adds the caller's comment; an archived article comes back for it. 404 when the slug is unknown. */
    Uni<Comment> add(String slug, long authorId, NewComment comment) {
        comment.validate(limits);
        Supplier<Uni<Optional<WriteResult>>> add = () -> comments.add(slug, authorId, comment.body())
                // The article was deleted while the comment waited for it: it is gone, as for any unknown slug.
                .onFailure(failure -> Database.isForeignKeyViolation(failure, "comments_article_id_fkey"))
                .transform(failure -> new NotFound("article"));
        return onLiveArticle(add, () -> restoredFor(slug, add))
                .map(written -> written.orElseThrow(() -> new NotFound("article")).comment());
    }

    /** Deletes the caller's own comment; {@link NotFound} when it is not on that article, {@link NotTheAuthor} when someone else's. */
    Uni<Void> delete(String slug, long commentId, long userId) {
        Supplier<Uni<Optional<WriteResult>>> delete = () -> comments.delete(slug, commentId, userId);
        return onLiveArticle(delete, () -> restoredForItsAuthor(slug, commentId, userId, delete))
                .chain(written -> switch (written.map(WriteResult::outcome).orElse(Outcome.COMMENT_NOT_FOUND)) {
                    case DONE -> Uni.createFrom().voidItem();
                    case FORBIDDEN -> Uni.createFrom().failure(new NotTheAuthor("delete this comment"));
                    case COMMENT_NOT_FOUND -> Uni.createFrom().failure(new NotFound("comment"));
                });
    }

    /** The archived article brought back for its comment's author's {@code delete}; refused for anyone else's. */
    private Uni<Optional<WriteResult>> restoredForItsAuthor(String slug, long commentId, long userId,
                                                        Supplier<Uni<Optional<WriteResult>>> delete) {
        return comments.author(slug, commentId).chain(author -> author.isEmpty() ? Uni.createFrom().item(Optional.empty())
                : author.get() == userId ? restoredFor(slug, delete)
                : Uni.createFrom().item(Optional.of(new WriteResult(Outcome.FORBIDDEN, null, List.of()))));
    }

    /** {@code write} on the live article; {@code otherwise} when it found none (unknown or archived). */
    private Uni<Optional<WriteResult>> onLiveArticle(Supplier<Uni<Optional<WriteResult>>> write, Supplier<Uni<Optional<WriteResult>>> otherwise) {
        return write.get().chain(written -> written.isPresent() ? committed(written, List.of()) : otherwise.get());
    }

    /** The archived article brought back (or by another statement meanwhile: live either way), then the write once more. */
    private Uni<Optional<WriteResult>> restoredFor(String slug, Supplier<Uni<Optional<WriteResult>>> write) {
        return archive.restore(slug).chain(restored -> write.get()
                .onFailure().invoke(() -> facts.committed(restored))
                .chain(written -> committed(written, restored)));
    }

    /** Hands what the write changed (after a restore, with it) to {@link Facts}. */
    private Uni<Optional<WriteResult>> committed(Optional<WriteResult> written, List<Fact> restored) {
        facts.committed(Stream.concat(restored.stream(), written.stream().flatMap(done -> done.facts().stream())).toList());
        return Uni.createFrom().item(written);
    }
}

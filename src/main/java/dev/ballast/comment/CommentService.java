package dev.ballast.comment;

import dev.ballast.archive.ArchiveRepository;
import dev.ballast.cache.ReadCaches;
import dev.ballast.comment.CommentBodies.NewComment;
import dev.ballast.http.ApiException;
import dev.ballast.http.Limits;
import dev.ballast.viewer.ViewerFlags;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reading and writing comments. An article's comments are the view every reader shares (cached in
 * {@link CommentRepository}) with the signed-in viewer's follow flags added. Each write decides, in this order:
 * bring the article back from the archive, check the caller may write, write, empty the caches, answer.
 */
@ApplicationScoped
class CommentService {

    private final CommentRepository comments;
    private final ArchiveRepository archive;
    private final ViewerFlags viewerFlags;
    private final ReadCaches caches;
    private final Limits limits;

    CommentService(CommentRepository comments, ArchiveRepository archive, ViewerFlags viewerFlags, ReadCaches caches, Limits limits) {
        this.comments = comments;
        this.archive = archive;
        this.viewerFlags = viewerFlags;
        this.caches = caches;
        this.limits = limits;
    }

    /** The newest comments of an article seen by {@code viewerId} (null when anonymous); 404 when unknown. */
    Uni<List<Comment>> byArticle(String slug, Long viewerId) {
        Uni<List<Comment>> shared = ReadCaches.ownCopy(comments.sharedByArticle(slug, limits.commentsPerPage()));
        return viewerId == null ? shared : shared.chain(list -> viewerFlags
                .among(viewerId, List.of(), list.stream().map(comment -> comment.author().id()).collect(Collectors.toSet()))
                .map(flags -> list.stream().map(comment -> comment.seenWith(flags)).toList()));
    }

    Uni<Comment> add(String slug, long authorId, NewComment comment) {
        comment.validate(limits);
        return archive.restore(slug).chain(() -> comments.insert(slug, authorId, comment.body()))
                .map(added -> added.orElseThrow(() -> ApiException.notFound("article")))
                .call(() -> caches.commentsChanged(slug));
    }

    /** Deletes the caller's own comment; 404 when it is not on that article, 403 when someone else's. */
    Uni<Void> delete(String slug, long commentId, long userId) {
        return archive.restore(slug).chain(() -> comments.author(slug, commentId)).chain(author -> {
            if (author.orElseThrow(() -> ApiException.notFound("comment")) != userId) {
                return Uni.createFrom().failure(ApiException.forbidden("only the author may delete this comment"));
            }
            return comments.delete(commentId).chain(() -> caches.commentsChanged(slug));
        });
    }
}

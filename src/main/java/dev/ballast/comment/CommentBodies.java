package dev.ballast.comment;

import dev.ballast.http.Limits;
import dev.ballast.http.Validation;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of the comment endpoints. */
public final class CommentBodies {

    private CommentBodies() {
    }

    public record CommentResponse(Comment comment) {
    }

    public record CommentsResponse(List<Comment> comments) {
    }

    public record NewComment(@Schema(example = "Thank you so much!") String body) {
        void validate(Limits limits) {
            new Validation().required("body", body, limits.commentMax()).orFail();
        }
    }

    public record NewCommentRequest(NewComment comment) {
    }
}

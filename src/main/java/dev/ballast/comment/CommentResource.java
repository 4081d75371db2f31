package dev.ballast.comment;

import static dev.ballast.http.Validation.requireBody;

import dev.ballast.auth.CurrentUser;
import dev.ballast.comment.CommentBodies.CommentResponse;
import dev.ballast.comment.CommentBodies.CommentsResponse;
import dev.ballast.comment.CommentBodies.NewCommentRequest;
import dev.ballast.http.ApiDocumentation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.jboss.resteasy.reactive.ResponseStatus;

/** {@code /api/articles/{slug}/comments}. */
@Path("/articles/{slug}/comments")
@Produces(MediaType.APPLICATION_JSON)
public class CommentResource {

    private final CommentService comments;
    private final CurrentUser currentUser;

    CommentResource(CommentService comments, CurrentUser currentUser) {
        this.comments = comments;
        this.currentUser = currentUser;
    }

    @SecurityRequirementsSet
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocumentation.TOKEN))
    @GET
    public Uni<CommentsResponse> list(@PathParam("slug") String slug) {
        return currentUser.optionalId().chain(viewer -> comments.byArticle(slug, viewer))
                .map(CommentsResponse::new);
    }

    @SecurityRequirement(name = ApiDocumentation.TOKEN)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<CommentResponse> add(@PathParam("slug") String slug, NewCommentRequest request) {
        return currentUser.requiredId()
                .chain(me -> comments.add(slug, me, requireBody(request, NewCommentRequest::comment, "comment")))
                .map(CommentResponse::new);
    }

    @SecurityRequirement(name = ApiDocumentation.TOKEN)
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "403", description = "Not the author: only they may change it")
    @DELETE
    @Path("{id}")
    @ResponseStatus(204)
    public Uni<Void> delete(@PathParam("slug") String slug, @PathParam("id") long id) {
        return currentUser.requiredId().chain(me -> comments.delete(slug, id, me));
    }
}

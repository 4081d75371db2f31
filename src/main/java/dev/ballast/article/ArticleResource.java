package dev.ballast.article;

import static dev.ballast.http.Validation.requireBody;

import dev.ballast.article.ArticleRequests.NewArticleRequest;
import dev.ballast.article.ArticleRequests.UpdateArticleRequest;
import dev.ballast.auth.CurrentUser;
import dev.ballast.http.ApiDocumentation;
import dev.ballast.http.Limits;
import dev.ballast.http.Page;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.jboss.resteasy.reactive.ResponseStatus;

/** {@code /api/articles}: lists, the feed, one article, writing, deleting and favoriting. */
@Path("/articles")
@Produces(MediaType.APPLICATION_JSON)
public class ArticleResource {

    private final ArticleService articles;
    private final CurrentUser currentUser;
    private final Limits limits;

    ArticleResource(ArticleService articles, CurrentUser currentUser, Limits limits) {
        this.articles = articles;
        this.currentUser = currentUser;
        this.limits = limits;
    }

    @SecurityRequirementsSet
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocumentation.TOKEN))
    @GET
    public Uni<ArticlesResponse> list(@QueryParam("tag") String tag, @QueryParam("author") String author,
                                      @QueryParam("favorited") String favorited,
                                      @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        Page page = page(limit, offset);
        return currentUser.optionalId().chain(viewer -> articles.list(tag, author, favorited, page, viewer));
    }

    @SecurityRequirement(name = ApiDocumentation.TOKEN)
    @GET
    @Path("feed")
    public Uni<ArticlesResponse> feed(@QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        Page page = page(limit, offset);
        return currentUser.requiredId().chain(me -> articles.feed(me, page));
    }

    @SecurityRequirementsSet
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocumentation.TOKEN))
    @GET
    @Path("{slug}")
    public Uni<ArticleResponse> get(@PathParam("slug") String slug) {
        return currentUser.optionalId().chain(viewer -> articles.bySlug(slug, viewer)).map(ArticleResponse::new);
    }

    @SecurityRequirement(name = ApiDocumentation.TOKEN)
    @APIResponseSchema(value = ArticleResponse.class, responseCode = "201", responseDescription = "Created")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    public Uni<ArticleResponse> create(NewArticleRequest request) {
        return currentUser.requiredId()
                .chain(me -> articles.create(me, requireBody(request, NewArticleRequest::article, "article")))
                .map(ArticleResponse::new);
    }

    @SecurityRequirement(name = ApiDocumentation.TOKEN)
    @APIResponseSchema(ArticleResponse.class)
    @APIResponse(responseCode = "403", description = "Not the author: only they may change it")
    @PUT
    @Path("{slug}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ArticleResponse> update(@PathParam("slug") String slug, UpdateArticleRequest request) {
        return currentUser.requiredId()
                .chain(me -> articles.update(slug, me, requireBody(request, UpdateArticleRequest::article, "article")))
                .map(ArticleResponse::new);
    }

    @SecurityRequirement(name = ApiDocumentation.TOKEN)
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "403", description = "Not the author: only they may change it")
    @DELETE
    @Path("{slug}")
    @ResponseStatus(204)
    public Uni<Void> delete(@PathParam("slug") String slug) {
        return currentUser.requiredId().chain(me -> articles.delete(slug, me));
    }

    @SecurityRequirement(name = ApiDocumentation.TOKEN)
    @POST
    @Path("{slug}/favorite")
    public Uni<ArticleResponse> favorite(@PathParam("slug") String slug) {
        return currentUser.requiredId().chain(me -> articles.favorite(slug, me)).map(ArticleResponse::new);
    }

    @SecurityRequirement(name = ApiDocumentation.TOKEN)
    @DELETE
    @Path("{slug}/favorite")
    public Uni<ArticleResponse> unfavorite(@PathParam("slug") String slug) {
        return currentUser.requiredId().chain(me -> articles.unfavorite(slug, me)).map(ArticleResponse::new);
    }

    private Page page(String limit, String offset) {
        return Page.of(limit, offset, limits.pageSizeMax(), limits.offsetMax());
    }
}

package dev.ballast.profile;

import dev.ballast.auth.CurrentUser;
import dev.ballast.http.ApiDocumentation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;

/** {@code /api/profiles/{username}} and following. */
@Path("/profiles/{username}")
@Produces(MediaType.APPLICATION_JSON)
public class ProfileResource {

    private final ProfileService profiles;
    private final CurrentUser currentUser;

    ProfileResource(ProfileService profiles, CurrentUser currentUser) {
        this.profiles = profiles;
        this.currentUser = currentUser;
    }

    @SecurityRequirementsSet
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocumentation.TOKEN))
    @GET
    public Uni<ProfileResponse> get(@PathParam("username") String username) {
        return currentUser.optionalId().chain(viewer -> profiles.byUsername(username, viewer)).map(ProfileResponse::new);
    }

    @SecurityRequirement(name = ApiDocumentation.TOKEN)
    @APIResponseSchema(ProfileResponse.class)
    @APIResponse(responseCode = "422", description = "Following yourself")
    @POST
    @Path("follow")
    public Uni<ProfileResponse> follow(@PathParam("username") String username) {
        return currentUser.requiredId().chain(me -> profiles.follow(me, username)).map(ProfileResponse::new);
    }

    @SecurityRequirement(name = ApiDocumentation.TOKEN)
    @DELETE
    @Path("follow")
    public Uni<ProfileResponse> unfollow(@PathParam("username") String username) {
        return currentUser.requiredId().chain(me -> profiles.unfollow(me, username)).map(ProfileResponse::new);
    }
}

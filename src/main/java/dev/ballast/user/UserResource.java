package dev.ballast.user;

import static dev.ballast.http.Validation.requireBody;

import dev.ballast.auth.CurrentUser;
import dev.ballast.http.ApiDocumentation;
import dev.ballast.protection.AuthRateLimited;
import dev.ballast.user.UserRequests.LoginRequest;
import dev.ballast.user.UserRequests.NewUserRequest;
import dev.ballast.user.UserRequests.UpdateUserRequest;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Registration, login and the current user: {@code /api/users}, {@code /api/users/login}, {@code /api/user}. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class UserResource {

    private final UserService users;
    private final CurrentUser currentUser;

    UserResource(UserService users, CurrentUser currentUser) {
        this.users = users;
        this.currentUser = currentUser;
    }

    @POST
    @Path("users")
    @APIResponseSchema(value = UserResponse.class, responseCode = "201", responseDescription = "Registered")
    @ResponseStatus(201)
    @AuthRateLimited
    public Uni<UserResponse> register(NewUserRequest request) {
        return users.register(requireBody(request, NewUserRequest::user, "user")).map(UserResponse::new);
    }

    @APIResponseSchema(UserResponse.class)
    @APIResponse(responseCode = "401", description = "Email or password is invalid")
    @POST
    @Path("users/login")
    @AuthRateLimited
    public Uni<UserResponse> login(LoginRequest request) {
        return users.login(requireBody(request, LoginRequest::user, "user")).map(UserResponse::new);
    }

    @SecurityRequirement(name = ApiDocumentation.TOKEN)
    @GET
    @Path("user")
    public Uni<UserResponse> current() {
        return currentUser.required().chain(users::current).map(UserResponse::new);
    }

    @SecurityRequirement(name = ApiDocumentation.TOKEN)
    @PUT
    @Path("user")
    public Uni<UserResponse> update(UpdateUserRequest request) {
        return currentUser.required()
                .chain(caller -> users.update(caller, requireBody(request, UpdateUserRequest::user, "user")))
                .map(UserResponse::new);
    }
}

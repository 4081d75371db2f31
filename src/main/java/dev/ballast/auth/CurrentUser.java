package dev.ballast.auth;

import dev.ballast.http.ApiException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The caller of the current request, resolved lazily without blocking: a missing token means anonymous,
 * a bad or expired one fails with 401 (through the mapper of {@code AuthenticationFailedException}).
 */
@ApplicationScoped
public class CurrentUser {

    private final CurrentIdentityAssociation identities;

    CurrentUser(CurrentIdentityAssociation identities) {
        this.identities = identities;
    }

    /** The caller's user id, or null for an anonymous caller. */
    public Uni<Long> optionalId() {
        return identities.getDeferredIdentity().map(CurrentUser::userId);
    }

    /** The caller's user id; 401 for an anonymous caller. */
    public Uni<Long> requiredId() {
        return optionalId().onItem().ifNull().failWith(() -> ApiException.unauthorized("authentication required"));
    }

    private static Long userId(SecurityIdentity identity) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return null;
        }
        try {
            return Long.valueOf(jwt.getSubject());
        } catch (NumberFormatException e) {
            throw ApiException.unauthorized("token is invalid or expired");
        }
    }
}

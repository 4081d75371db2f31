package dev.ballast.auth;

import dev.ballast.http.ApiException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The caller of the current request, resolved lazily without blocking: a missing token means anonymous,
 * a bad or expired one, or one issued before its user's last password change ({@link TokenGenerationCheck}),
 * fails with 401 (through the mapper of {@code AuthenticationFailedException}).
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
        return required().map(SignedIn::id);
    }

    /** The caller and the token they were identified by; 401 for an anonymous caller. */
    public Uni<SignedIn> required() {
        return identities.getDeferredIdentity().map(identity -> {
            Long id = userId(identity);
            if (id == null) {
                throw ApiException.unauthorized("authentication required");
            }
            return new SignedIn(id, ((JsonWebToken) identity.getPrincipal()).getRawToken());
        });
    }

    /** A signed-in caller: their user id and the token they sent. */
    public record SignedIn(long id, String token) {
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

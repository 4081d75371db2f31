package dev.ballast.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Refuses a validly signed token issued before its user's last password change (its generation is older than
 * the user's). Runs where the caller's identity is established, once per request, for every reader of that
 * identity: each endpoint and the rate limiter, which then counts the caller by address, never as the account.
 * The refusal is the 401 of any invalid token.
 */
@ApplicationScoped
class TokenGenerationCheck implements SecurityIdentityAugmentor {

    private final TokenGenerations generations;

    TokenGenerationCheck(TokenGenerations generations) {
        this.generations = generations;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        VerifiedTokenCache.Verified token = VerifiedTokenCache.Verified.of(jwt);
        if (token.userId() == null) {
            return Uni.createFrom().failure(new AuthenticationFailedException("token has an invalid subject or generation"));
        }
        return generations.current(token.userId()).map(current -> {
            if (token.generation() < current) {
                throw new AuthenticationFailedException("token was issued before the password changed");
            }
            return identity;
        });
    }
}

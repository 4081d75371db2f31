package dev.ballast.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonNumber;
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
        long userId;
        long generation;
        try {
            userId = Long.parseLong(jwt.getSubject());
            generation = generation(jwt);
        } catch (NumberFormatException | ArithmeticException e) {
            return Uni.createFrom().failure(new AuthenticationFailedException("token has an invalid subject or generation"));
        }
        return generations.current(userId).map(current -> {
            if (generation < current) {
                throw new AuthenticationFailedException("token was issued before the password changed");
            }
            return identity;
        });
    }

    /** The generation a token was issued in (0 for a token from before generations existed). */
    static long generation(JsonWebToken jwt) {
        Object claim = jwt.getClaim(TokenService.GENERATION);
        if (claim == null) {
            return 0;
        }
        if (claim instanceof JsonNumber number) {
            return number.longValueExact();
        }
        if (claim instanceof Number number) {
            return number.longValue();
        }
        throw new NumberFormatException("not a number: " + claim);
    }
}

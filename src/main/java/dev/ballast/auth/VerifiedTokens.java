package dev.ballast.auth;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Checks each token's signature and claims once: a token seen again is answered with what its verification
 * gave ({@link VerifiedTokenCache}), until the token expires. Verifying an RSA signature and parsing the claims
 * took about a quarter of the CPU of a signed-in request; a token's signature and claims never change, so the
 * result cannot go stale. What can change, a password change ending the user's tokens, is checked on every
 * request after this ({@link TokenGenerationCheck}, {@link CurrentUser}). Tokens that fail verification are not
 * kept: each is verified and refused again.
 */
@Decorator
@Priority(1)
abstract class VerifiedTokens implements JWTParser {

    private final JWTParser parser;
    private final VerifiedTokenCache verified;

    @Inject
    VerifiedTokens(@Delegate @Any JWTParser parser, VerifiedTokenCache verified) {
        this.parser = parser;
        this.verified = verified;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        VerifiedTokenCache.Verified known = verified.get(token);
        if (known != null) {
            return known.jwt();
        }
        JsonWebToken jwt = parser.parse(token);
        verified.put(token, jwt);
        return jwt;
    }
}

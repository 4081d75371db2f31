package dev.ballast.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Checks each token's signature and claims once: a token seen again is answered with what its verification
 * gave, until the token expires. Verifying an RSA signature and parsing the claims took about a quarter of
 * the CPU of a signed-in request; a token's signature and claims never change, so the result cannot go stale.
 * What can change, a password change ending the user's tokens, is checked on every request after this
 * ({@link TokenGenerationCheck}). Tokens that fail verification are not kept: each is verified and refused again.
 * <p>
 * Bounded to {@code AUTH_VERIFIED_TOKENS_MAX} tokens, the least recently used going first; a token evicted is
 * only verified again.
 */
@Decorator
@Priority(1)
abstract class VerifiedTokens implements JWTParser {

    private final JWTParser parser;
    private final Cache<String, JsonWebToken> verified;

    @Inject
    VerifiedTokens(@Delegate @Any JWTParser parser, MeterRegistry registry,
                   @ConfigProperty(name = "ballast.auth.verified-tokens-max") long maxTokens) {
        this.parser = parser;
        this.verified = Caffeine.newBuilder()
                .maximumSize(maxTokens)
                // Until the second of its exp begins: counted in whole seconds from now, a token kept late in a
                // second would outlive its exp by up to a second.
                .expireAfter(Expiry.<String, JsonWebToken>creating((token, jwt) ->
                        Duration.ofMillis(Math.max(0, jwt.getExpirationTime() * 1000 - System.currentTimeMillis()))))
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(registry, verified, "verified-tokens");
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        JsonWebToken jwt = verified.getIfPresent(token);
        if (jwt == null) {
            jwt = parser.parse(token);
            verified.put(token, jwt);
        }
        return jwt;
    }
}

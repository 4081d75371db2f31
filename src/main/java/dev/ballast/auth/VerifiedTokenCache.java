package dev.ballast.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The tokens whose signature and claims were verified ({@link VerifiedTokens}), each with what its verification
 * gave, kept until the token expires. Bounded to {@code AUTH_VERIFIED_TOKENS_MAX} tokens, the least recently used
 * going first; a token evicted is only verified again.
 */
@ApplicationScoped
class VerifiedTokenCache {

    private final Cache<String, JsonWebToken> verified;

    VerifiedTokenCache(MeterRegistry registry, @ConfigProperty(name = "ballast.auth.verified-tokens-max") long maxTokens) {
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

    /** What the verification of this token gave, or null when it was not verified (or has expired since). */
    JsonWebToken get(String token) {
        return verified.getIfPresent(token);
    }

    void put(String token, JsonWebToken jwt) {
        verified.put(token, jwt);
    }
}

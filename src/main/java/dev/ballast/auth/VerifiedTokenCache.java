package dev.ballast.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonNumber;
import java.time.Duration;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The tokens whose signature and claims were verified ({@link VerifiedTokens}), each with what its verification
 * gave, kept until the token expires, with its user id and generation read once: smallrye-jwt reads a claim
 * outside the JWT standard's names by throwing and catching an exception, which cost a signed-in request more
 * than the rest of recognizing its token. Bounded to {@code AUTH_VERIFIED_TOKENS_BYTES} (estimated: {@link #heapBytes}),
 * the least valuable tokens going first; a token evicted is only verified again.
 */
@ApplicationScoped
class VerifiedTokenCache {

    private final Cache<Key, Verified> verified;

    /**
     * A token as the cache's key: equal only to the same whole token, hashed over its last characters (of the
     * signature, as varied as the whole token and a tenth of its length): hashing every token's few hundred
     * characters was most of a lookup. Only tokens this service signed are kept, so no one can crowd a hash.
     */
    private record Key(String token) {

        private static final int HASHED_CHARS = 24;

        @Override
        public int hashCode() {
            int hash = 0;
            for (int i = Math.max(0, token.length() - HASHED_CHARS); i < token.length(); i++) {
                hash = 31 * hash + token.charAt(i);
            }
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.token.equals(token);
        }
    }

    /**
     * A verified token: what its verification gave, and the user id of its subject with the generation it was
     * issued in, or a null user id when either is unreadable (the security identity then refuses the token).
     */
    record Verified(JsonWebToken jwt, Long userId, long generation) {

        static Verified of(JsonWebToken jwt) {
            try {
                return new Verified(jwt, Long.parseLong(jwt.getSubject()), generation(jwt));
            } catch (NumberFormatException | ArithmeticException e) {
                return new Verified(jwt, null, 0);
            }
        }

        /** The generation a token was issued in (0 for a token from before generations existed). */
        private static long generation(JsonWebToken jwt) {
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

    /**
     * What one verified token holds, estimated: the token as the key, and its verification (the raw token again, its
     * parsed claims and their JSON): about six times its characters, and a couple of kilobytes of objects.
     */
    static long heapBytes(String token) {
        return 2048 + 6L * token.length();
    }

    VerifiedTokenCache(MeterRegistry registry, AuthSettings settings) {
        this.verified = Caffeine.newBuilder()
                .maximumWeight(settings.verifiedTokensBytes().asLongValue())
                .weigher((Key key, Verified entry) -> (int) heapBytes(key.token()))
                // Until the second of its exp begins: counted in whole seconds from now, a token kept late in a
                // second would outlive its exp by up to a second.
                .expireAfter(Expiry.<Key, Verified>creating((token, entry) ->
                        Duration.ofMillis(Math.max(0, entry.jwt().getExpirationTime() * 1000 - System.currentTimeMillis()))))
                .recordStats()
                // Housekeeping on the reader's thread, a little at a time: handed to the common pool, it woke a
                // pool thread every few signed-in requests.
                .executor(Runnable::run)
                .build();
        CaffeineCacheMetrics.monitor(registry, verified, "verified-tokens");
    }

    /** What the verification of this token gave, or null when it was not verified (or has expired since). */
    Verified get(String token) {
        return verified.getIfPresent(new Key(token));
    }

    void put(String token, JsonWebToken jwt) {
        verified.put(new Key(token), Verified.of(jwt));
    }
}

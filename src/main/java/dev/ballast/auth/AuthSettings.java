package dev.ballast.auth;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;

/** How signed-in requests are recognized; see {@code ballast.auth.*} in application.properties. */
@ConfigMapping(prefix = "ballast.auth")
public interface AuthSettings {

    /**
     * The heap the tokens already verified may hold ({@link VerifiedTokenCache}): each is verified once, and kept
     * until it expires or the least valuable are evicted.
     */
    MemorySize verifiedTokensBytes();
}

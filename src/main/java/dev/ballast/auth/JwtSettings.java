package dev.ballast.auth;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/**
 * The tokens this service issues ({@link TokenService}); see {@code ballast.jwt.*} in application.properties. Their
 * issuer and verification are SmallRye JWT's own settings ({@code mp.jwt.*}).
 */
@ConfigMapping(prefix = "ballast.jwt")
public interface JwtSettings {

    /** How long an issued token is valid. */
    Duration lifetime();
}

package dev.ballast.auth;

import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Issues the JWTs that clients send back as {@code Authorization: Token <jwt>}: the subject is the user id,
 * {@code iat} the issue time, and {@value #GENERATION} the user's token generation at issue, which a password
 * change bumps so that every token issued before it is refused ({@link TokenGenerations}).
 */
@ApplicationScoped
public class TokenService {

    /** The claim holding the token generation; a token without it (issued before generations existed) is of generation 0. */
    public static final String GENERATION = "gen";

    private final String issuer;
    private final Duration lifetime;

    TokenService(@ConfigProperty(name = "mp.jwt.verify.issuer") String issuer,
                 JwtSettings settings) {
        this.issuer = issuer;
        this.lifetime = settings.lifetime();
    }

    public String issue(long userId, long generation) {
        Instant now = Instant.now();
        return Jwt.issuer(issuer)
                .subject(Long.toString(userId))
                .claim(GENERATION, generation)
                .issuedAt(now)
                .expiresAt(now.plus(lifetime))
                .sign();
    }
}

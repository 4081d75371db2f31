package dev.ballast.auth;

import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Issues the JWTs that clients send back as {@code Authorization: Token <jwt>}; the subject is the user id. */
@ApplicationScoped
public class TokenService {

    private final String issuer;
    private final Duration lifetime;

    TokenService(@ConfigProperty(name = "mp.jwt.verify.issuer") String issuer,
                 @ConfigProperty(name = "ballast.jwt.lifetime") Duration lifetime) {
        this.issuer = issuer;
        this.lifetime = lifetime;
    }

    public String issue(long userId) {
        return Jwt.issuer(issuer)
                .subject(Long.toString(userId))
                .expiresIn(lifetime)
                .sign();
    }
}

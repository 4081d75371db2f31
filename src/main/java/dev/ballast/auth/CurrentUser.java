package dev.ballast.auth;

import dev.ballast.db.ReadYourWrites;
import dev.ballast.failures.Unauthenticated;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The caller of the current request, resolved lazily without blocking: a missing token means anonymous,
 * a bad or expired one, or one issued before its user's last password change ({@link TokenGenerationCheck}),
 * fails with 401 (through the mapper of {@code AuthenticationFailedException}). A token already verified
 * ({@link VerifiedTokenCache}) whose user's generation is cached and not newer than the token's is recognized at
 * once, from those two caches; any other goes through the security identity, which verifies, checks and caches.
 * Once known, the caller is named to the database layer, whose reads then see the caller's own writes
 * ({@link ReadYourWrites}).
 */
@ApplicationScoped
public class CurrentUser {

    private static final String[] SCHEMES = {"Token ", "Bearer "};
    private static final String RECOGNIZED = CurrentUser.class.getName() + ".recognized";

    private final CurrentIdentityAssociation identities;
    private final CurrentVertxRequest requests;
    private final VerifiedTokenCache verified;
    private final TokenGenerations generations;

    CurrentUser(CurrentIdentityAssociation identities, CurrentVertxRequest requests, VerifiedTokenCache verified,
                TokenGenerations generations) {
        this.identities = identities;
        this.requests = requests;
        this.verified = verified;
        this.generations = generations;
    }

    /** The caller's user id, or null for an anonymous caller. */
    public Uni<Long> optionalId() {
        SignedIn known = recognized();
        return known != null ? Uni.createFrom().item(known.id()) : identities.getDeferredIdentity().map(CurrentUser::userId);
    }

    /**
     * The caller's user id when their token is recognized at once (see above), else null: anonymous, or to be
     * resolved by {@link #optionalId()}.
     */
    public Long recognizedId() {
        SignedIn known = recognized();
        return known == null ? null : known.id();
    }

    /** The caller's user id; {@link Unauthenticated} for an anonymous caller. */
    public Uni<Long> requiredId() {
        return required().map(SignedIn::id);
    }

    /** The caller and the token they were identified by; {@link Unauthenticated} for an anonymous caller. */
    public Uni<SignedIn> required() {
        SignedIn known = recognized();
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return identities.getDeferredIdentity().map(identity -> {
            Long id = userId(identity);
            if (id == null) {
                throw new Unauthenticated("authentication required");
            }
            return new SignedIn(id, ((JsonWebToken) identity.getPrincipal()).getRawToken());
        });
    }

    /** A signed-in caller: their user id and the token they sent. */
    public record SignedIn(long id, String token) {
    }

    /** Looked up once per request: the rate limiter and the endpoint both ask. */
    private SignedIn recognized() {
        RoutingContext routing = requests.getCurrent();
        String header = routing == null ? null : routing.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return null;
        }
        SignedIn known = routing.get(RECOGNIZED);
        if (known == null) {
            known = recognized(header);
            if (known != null) {
                routing.put(RECOGNIZED, known);
                ReadYourWrites.callerIs(known.id());
            }
        }
        return known;
    }

    private SignedIn recognized(String header) {
        for (String scheme : SCHEMES) {
            if (header.startsWith(scheme)) {
                String token = header.substring(scheme.length());
                VerifiedTokenCache.Verified known = verified.get(token);
                return known == null || known.userId() == null ? null : recognized(known, token);
            }
        }
        return null;
    }

    private SignedIn recognized(VerifiedTokenCache.Verified known, String token) {
        Long current = generations.cachedNow(known.userId());
        return current != null && known.generation() >= current ? new SignedIn(known.userId(), token) : null;
    }

    private static Long userId(SecurityIdentity identity) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return null;
        }
        try {
            long id = Long.parseLong(jwt.getSubject());
            ReadYourWrites.callerIs(id);
            return id;
        } catch (NumberFormatException e) {
            throw new Unauthenticated("token is invalid or expired");
        }
    }
}

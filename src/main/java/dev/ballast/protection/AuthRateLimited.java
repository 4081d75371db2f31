package dev.ballast.protection;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the operations that check or set a password (login, registration): they get the stricter per-address
 * limit of {@link RateLimitFilter}. Bound to the operation the router chose, not to a path, so every spelling
 * of its path that reaches it (encoded letters, dot segments, extra slashes) is limited alike.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface AuthRateLimited {
}

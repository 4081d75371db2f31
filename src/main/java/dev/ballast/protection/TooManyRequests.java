package dev.ballast.protection;

import dev.ballast.http.ErrorBody;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A client over one of its limits: 429 in the RealWorld error shape, with {@code Retry-After} and the
 * {@code RateLimit-*} headers, whether a filter refuses the request or a service does.
 */
public final class TooManyRequests extends RuntimeException {

    private final int limit;
    private final long retryAfterMillis;

    public TooManyRequests(int limit, long retryAfterMillis) {
        super("too many requests", null, false, false);
        this.limit = limit;
        this.retryAfterMillis = retryAfterMillis;
    }

    long retryAfterMillis() {
        return retryAfterMillis;
    }

    int limit() {
        return limit;
    }

    /** Whole seconds, at least one: {@code Retry-After} and {@code RateLimit-Reset}. */
    String retryAfterSeconds() {
        return Long.toString(Math.max(1, (retryAfterMillis + 999) / 1000));
    }

    /** The answer's message in the RealWorld error shape. */
    String message() {
        return "too many requests, retry in " + retryAfterSeconds() + " s";
    }

    public Response response() {
        String seconds = retryAfterSeconds();
        return Response.status(429)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header("Retry-After", seconds)
                .header("RateLimit-Limit", limit)
                .header("RateLimit-Remaining", 0)
                .header("RateLimit-Reset", seconds)
                .entity(ErrorBody.of(message()))
                .build();
    }

    /** Maps the exception when a service throws it. */
    public static class Mapper {
        @ServerExceptionMapper
        public Response map(TooManyRequests e) {
            return e.response();
        }
    }
}

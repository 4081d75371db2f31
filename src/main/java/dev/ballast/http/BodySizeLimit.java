package dev.ballast.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses a body declared larger than {@code MAX_BODY_SIZE} with 413 in the RealWorld error shape before
 * it is read. A chunked body (no length) is cut off by the HTTP layer's own hard limit,
 * {@code quarkus.http.limits.max-body-size}, which answers a bare 413.
 */
@ApplicationScoped
class BodySizeLimit {

    private final long maxBytes;

    BodySizeLimit(Limits limits) {
        this.maxBytes = limits.bodySizeMax().asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && declaredLength(length) > maxBytes) {
                context.response()
                        .setStatusCode(413)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(Json.encode(ErrorBody.of("request body is too large (maximum is " + maxBytes + " bytes)")));
            } else {
                context.next();
            }
        });
    }

    private static long declaredLength(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}

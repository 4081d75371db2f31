package dev.ballast.protection;

import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The requests of the operations marked {@link AuthRateLimited} (login, registration) in flight, from the
 * moment the router chose the operation until the answer is sent or the connection closes. Every other
 * request in flight is a reader: password hashing yields the CPU to readers, never to these.
 */
@Singleton
public class PasswordRequests {

    /** Routing-context key marking a request as one of these. */
    private static final String MARK = "ballast.password-request";

    private final AtomicInteger inFlight = new AtomicInteger();

    @ServerRequestFilter
    @AuthRateLimited
    public void counted(RoutingContext context) {
        context.put(MARK, Boolean.TRUE);
        inFlight.incrementAndGet();
        context.addEndHandler(ended -> inFlight.decrementAndGet());
    }

    static boolean isOne(RoutingContext context) {
        return context.get(MARK) != null;
    }

    public int inFlight() {
        return inFlight.get();
    }
}

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

    private final AtomicInteger inFlight = new AtomicInteger();

    @ServerRequestFilter
    @AuthRateLimited
    public void counted(RoutingContext context) {
        inFlight.incrementAndGet();
        context.addEndHandler(ended -> inFlight.decrementAndGet());
    }

    public int inFlight() {
        return inFlight.get();
    }
}

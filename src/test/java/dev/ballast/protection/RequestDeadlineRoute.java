package dev.ballast.protection;

import dev.ballast.db.DatabaseGate;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A test-only route answering the time left before the request's deadline, in milliseconds, as the database
 * layer reads it: the contract between admission control and the code that bounds statements.
 */
@ApplicationScoped
class RequestDeadlineRoute {

    static final String PATH = "/test/request-deadline";

    void install(@Observes Router router) {
        router.get(PATH).handler(context -> {
            Long deadline = Vertx.currentContext().getLocal(DatabaseGate.REQUEST_DEADLINE);
            context.response().end(deadline == null ? "none" : Long.toString((deadline - System.nanoTime()) / 1_000_000));
        });
    }
}

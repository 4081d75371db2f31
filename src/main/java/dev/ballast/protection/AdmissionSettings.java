package dev.ballast.protection;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/**
 * The adaptive limit on requests in flight, and the deadlines of a request ({@link AdmissionControl}); see
 * {@code ballast.admission.*} in application.properties.
 */
@ConfigMapping(prefix = "ballast.admission")
public interface AdmissionSettings {

    /** Requests in flight the adaptive limit allows at start-up. */
    int initialLimit();

    /** The lowest the adaptive limit falls to when latency rises. */
    int minLimit();

    /** The highest the adaptive limit grows to when latency falls. */
    int maxLimit();

    /** How long a request may have waited in its event loop and still be admitted; past it, 503 at once. */
    Duration queueTimeout();

    /**
     * How long an admitted request has from its arrival to finish: its database work, and a login's wait for a
     * hashing thread, get the time left.
     */
    Duration requestTimeout();
}

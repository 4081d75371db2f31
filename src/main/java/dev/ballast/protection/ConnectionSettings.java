package dev.ballast.protection;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/** The deadlines and the cap on HTTP connections ({@link ConnectionLimits}); see {@code ballast.connections.*}. */
@ConfigMapping(prefix = "ballast.connections")
public interface ConnectionSettings {

    /**
     * How long a connection may take to send a request's headers, from its opening or from the first byte of each
     * later request; past it, it is closed.
     */
    Duration headerTimeout();

    /** How long a request's body may take to arrive after its headers; past it, the connection is closed. */
    Duration bodyTimeout();

    /** Connections open at once per client address (trusted proxies are exempt); past it, new ones are closed. */
    int perAddressMax();
}

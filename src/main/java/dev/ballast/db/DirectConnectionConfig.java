package dev.ballast.db;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * The primary reached directly, not through a pooler in transaction mode (which never passes LISTEN):
 * {@code ballast.direct-db.url}, for the connections held outside the pool that need a session of their own (the
 * cache notice listener's). No URL: the primary's own.
 */
@ConfigMapping(prefix = "ballast.direct-db")
public interface DirectConnectionConfig {

    Optional<String> url();
}

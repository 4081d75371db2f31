package dev.ballast.db;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The streaming replicas reads may go to ({@code ballast.read-db.*} in application.properties, docs/configuration.md).
 * No URL: every statement runs on the primary, as with no replica at all.
 */
@ConfigMapping(prefix = "ballast.read-db")
public interface ReadReplicasConfig {

    /**
     * One URL per replica ({@code postgresql://host:port/database}, comma separated), each with a pool of its own;
     * user and password as the primary's unless the URL names them.
     */
    Optional<List<String>> url();

    /** Connections in each replica's pool. */
    int maxSize();

    /** Statements at once on each replica; 0 derives it from its pool as the primary's read bulkhead is (3/4). */
    int concurrency();

    /** A replica further behind the primary than this is skipped until it has caught up. */
    Duration maxLag();

    /** How often each replica is asked how far it has replayed, on a connection of its own. */
    Duration checkInterval();

    /** A replica that does not answer its check within this is skipped, and the reads on it go to the primary. */
    Duration checkTimeout();

    /**
     * Whether signed-in callers' reads go to replicas too, once one has replayed the caller's last write
     * ({@link ReadYourWrites}); false keeps them on the primary, and only anonymous reads go to replicas.
     */
    boolean signedInFromReplicas();
}

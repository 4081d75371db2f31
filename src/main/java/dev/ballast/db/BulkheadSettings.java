package dev.ballast.db;

import io.smallrye.config.ConfigMapping;

/**
 * The concurrency limits on database statements, one for reads and one for writes ({@link DatabaseBulkheads});
 * see {@code ballast.bulkhead.*} in application.properties.
 */
@ConfigMapping(prefix = "ballast.bulkhead")
public interface BulkheadSettings {

    /** Read statements running at once; 0 derives it from the pool (three quarters of it). */
    int reads();

    /** Write statements and transactions running at once; 0 derives it from the pool (half of it). */
    int writes();

    /** How many times its limit a bulkhead lets wait; past that, calls fail at once (503). */
    int queueFactor();
}

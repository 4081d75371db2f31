package dev.ballast.protection;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/**
 * How passwords are hashed (bcrypt, on threads of their own: {@code user.PasswordHasher}) and the share of the CPU
 * hashing keeps while readers need it; see {@code ballast.password.*} in application.properties. Here rather than
 * in {@code user}: admission control, a floor below, tells when readers need the CPU.
 */
@ConfigMapping(prefix = "ballast.password")
public interface PasswordSettings {

    /** The bcrypt cost of a new hash (at least 10). */
    int bcryptCost();

    /** Hashing threads; 0 is one per core. */
    int workers();

    /** The share of the cores hashing may use on average while readers need the CPU (its hashes a second). */
    double cpuShare();

    /**
     * Hashes a second allowed while readers need the CPU; 0 derives it from the share and the bcrypt time measured
     * at start-up.
     */
    double hashesPerSecond();

    /**
     * Hashes the share holds for a burst: while readers need the CPU, up to this many run at once on every thread
     * (fewer when the burst follows others), and only hashing beyond them is paced at the rate.
     */
    int burst();

    /**
     * How long readers must have waited on average in their event loops before admission for hashing to be held to
     * its share; 0 holds it whenever readers are around ({@link AdmissionControl}).
     */
    Duration contendedWait();

    /** The longest a login or registration waits for its turn at the share; past it, 503 at once. */
    Duration contendedMaxWait();
}

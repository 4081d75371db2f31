package dev.ballast.user;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * The CPU that everything but password hashing leaves, measured: over each {@link #STEP}, the cores busy (the
 * operating environment's: the container's, or the machine's, Postgres included when it shares the cores) less the
 * cores hashing itself used. Hashing may use that room less a headroom kept free for readers' bursts. Measured, not
 * inferred from readers' waits or latencies: on a machine whose cores Postgres shares, hashing delays readers in
 * Postgres as much as in the event loops, and a reader's wait or latency shows it only once they are late.
 * <p>
 * Times in {@link System#nanoTime()} nanoseconds, passed in.
 */
final class CpuRoom {

    static final long STEP = TimeUnit.MILLISECONDS.toNanos(200);

    private final DoubleSupplier busyCores;
    private final int cores;
    private final double headroomCores;
    private final LongAdder hashingNanos = new LongAdder();
    private long measuredAt;
    private double room;

    /**
     * @param busyCores the cores busy on average since its last call (it is called once a step); negative when the
     *                  environment does not say: then there is no room beyond the floor
     */
    CpuRoom(DoubleSupplier busyCores, int cores, double headroomCores, long now) {
        this.busyCores = busyCores;
        this.cores = cores;
        this.headroomCores = headroomCores;
        this.measuredAt = now;
        busyCores.getAsDouble(); // starts the first interval
    }

    /** A hash used {@code cpuNanos} of its thread's CPU. */
    void hashed(long cpuNanos) {
        hashingNanos.add(cpuNanos);
    }

    /** The cores hashing may use now, measured again when a step has passed since the last measurement. */
    synchronized double cores(long now) {
        long elapsed = now - measuredAt;
        if (elapsed >= STEP) {
            double busy = busyCores.getAsDouble();
            double hashing = hashingNanos.sumThenReset() / (double) elapsed;
            room = busy < 0 ? 0 : Math.max(0, cores - Math.max(0, busy - hashing) - headroomCores);
            measuredAt = now;
        }
        return room;
    }
}

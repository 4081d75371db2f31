package dev.ballast.db;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A limit on database calls in flight that follows the calls' latency (Netflix concurrency-limits: Gradient2
 * behind a {@code SimpleLimiter}, fed per window by {@code WindowedLimit}, as {@code AdmissionLimit} at the
 * HTTP edge). When Postgres slows down (its CPU taken by a burst of heavy queries, say), each call takes longer
 * than the long-term average, and the limit falls towards {@code min}; a call past the limit is not queued but
 * refused at once ({@link DatabaseGate}: 503 with Retry-After), instead of waiting its turn until its deadline.
 * When latency falls back, the limit rises again by a few calls per window, up to {@code max}.
 *
 * <p>A call's latency is a sample only when the database answered (success or an SQL error); a call failed by
 * its deadline or the circuit breaker is a "dropped" sample (the limit is cut), a call abandoned by its caller
 * none.
 */
public final class DatabaseLimit {

    /** A call's place within the limit; released exactly once. */
    public interface Permit {
        /** The database answered: the call's latency is a sample. */
        void answered();

        /** No answer within the deadline (or the breaker failed it): the limit is cut. */
        void dropped();

        /** The caller went away, or the call never reached the database: no sample. */
        void ignored();
    }

    private final SimpleLimiter<Void> limiter;

    public DatabaseLimit(int initial, int min, int max, LongSupplier nanoClock) {
        Gradient2Limit gradient = Gradient2Limit.newBuilder()
                .initialLimit(initial)
                .minLimit(min)
                .maxConcurrency(max)
                .build();
        this.limiter = SimpleLimiter.newBuilder()
                .named("database")
                .nanoClock(nanoClock)
                .limit(WindowedLimit.newBuilder()
                        .minWindowTime(100, TimeUnit.MILLISECONDS)
                        .maxWindowTime(1, TimeUnit.SECONDS)
                        .minRttThreshold(0, TimeUnit.NANOSECONDS)
                        .build(gradient))
                .build();
    }

    /** A permit, or empty when as many calls as the limit are in flight. */
    public Optional<Permit> tryAcquire() {
        return limiter.acquire(null).map(DatabaseLimit::permit);
    }

    public int limit() {
        return limiter.getLimit();
    }

    public int inFlight() {
        return limiter.getInflight();
    }

    private static Permit permit(Limiter.Listener listener) {
        return new Permit() {
            @Override
            public void answered() {
                listener.onSuccess();
            }

            @Override
            public void dropped() {
                listener.onDropped();
            }

            @Override
            public void ignored() {
                listener.onIgnore();
            }
        };
    }
}

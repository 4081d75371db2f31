package dev.ballast.protection;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A limit on requests in flight that follows measured latency: Netflix concurrency-limits' Gradient2
 * algorithm behind a {@code SimpleLimiter}, fed with per-window average latencies ({@code WindowedLimit}), the
 * server-side set-up its README recommends (github.com/Netflix/concurrency-limits, "Server limiter").
 * Gradient2 compares a short-term latency with a long-term average: when requests start taking longer than
 * usual (they queue for CPU or for the database), it lowers the limit; when latency falls back, it raises
 * the limit again by a few requests per window. The limit only moves while the replica is busy (at least
 * half the limit in flight), so a quiet replica keeps its limit.
 */
public final class AdmissionLimit {

    /** A request's place in the limit; released exactly once, when its response ended or its connection closed. */
    public interface Permit {
        /** The response was sent: its latency is a sample for the limit. */
        void served();

        /** The server was overloaded on the way (a 503 from a bulkhead, a timeout): a sample that says so. */
        void dropped();

        /** The client went away: no sample. */
        void abandoned();
    }

    private final SimpleLimiter<Void> limiter;

    public AdmissionLimit(int initial, int min, int max, LongSupplier nanoClock) {
        Gradient2Limit gradient = Gradient2Limit.newBuilder()
                .initialLimit(initial)
                .minLimit(min)
                .maxConcurrency(max)
                .build();
        this.limiter = SimpleLimiter.newBuilder()
                .named("http")
                .nanoClock(nanoClock)
                .limit(WindowedLimit.newBuilder()
                        .minWindowTime(100, TimeUnit.MILLISECONDS)
                        .maxWindowTime(1, TimeUnit.SECONDS)
                        .minRttThreshold(0, TimeUnit.NANOSECONDS)
                        .build(gradient))
                .build();
    }

    /** A permit, or empty when the limit is reached. */
    public Optional<Permit> tryAcquire() {
        return limiter.acquire(null).map(AdmissionLimit::permit);
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
            public void served() {
                listener.onSuccess();
            }

            @Override
            public void dropped() {
                listener.onDropped();
            }

            @Override
            public void abandoned() {
                listener.onIgnore();
            }
        };
    }
}

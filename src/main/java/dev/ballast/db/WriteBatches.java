package dev.ballast.db;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;

/**
 * The calls of one statement that arrive together, run together: the frequent writes, and read-your-writes' lookups
 * and records of positions ({@link ReadYourWrites}). While {@code concurrency} batches of the
 * statement are running, its next calls wait; when one ends, the next batch takes up to {@code maxSize} of the
 * waiting calls to Postgres at once ({@link Runner}: one round trip, one transaction, one commit). A call that
 * finds a slot free runs at once, alone: under light load nothing waits and nothing changes.
 * <p>
 * A batch runs its calls in the order of {@code order}, so that two batches lock the rows they share in the same
 * order and cannot deadlock each other. A batch that fails on one call's statement error (a value Postgres cannot
 * store, a constraint, a deadlock: {@code retryAlone}) was rolled back whole; each of its calls is then run alone, so that only
 * the one at fault fails, as it would have unbatched. Any other failure (a deadline, the database gone) fails
 * every call of the batch. At most {@code maxWaiting} calls wait; past that a call fails at once, as
 * at a full bulkhead ({@link BulkheadException}, 503). A call that waits is run even when its caller went away, as one
 * already sent would be. Each call completes on its caller's Vert.x context, whichever batch ran it.
 *
 * @param <A> a call's arguments
 * @param <R> a call's result
 */
final class WriteBatches<A, R> {

    /** What is counted: each batch's size, each call refused, each batch split into calls run alone. */
    record Meters(IntConsumer sizes, Runnable refused, Runnable split) {
    }

    /** Runs the statement once per arguments, all in one transaction; the results in the same order. */
    interface Runner<A, R> {
        Uni<List<R>> run(List<A> arguments);
    }

    private final Runner<A, R> runner;
    private final Comparator<A> order;
    private final Predicate<Throwable> retryAlone;
    private final int maxSize;
    private final int concurrency;
    private final int maxWaiting;
    private final Meters meters;
    private final ArrayDeque<Call<A, R>> waiting = new ArrayDeque<>();
    private int running;

    WriteBatches(Runner<A, R> runner, Comparator<A> order, Predicate<Throwable> retryAlone, int maxSize, int concurrency,
                 int maxWaiting, Meters meters) {
        this.runner = runner;
        this.order = order;
        this.retryAlone = retryAlone;
        this.maxSize = Math.max(1, maxSize);
        this.concurrency = Math.max(1, concurrency);
        this.maxWaiting = Math.max(0, maxWaiting);
        this.meters = meters;
    }

    Uni<R> execute(A arguments) {
        return Uni.createFrom().emitter(emitter -> {
            Call<A, R> call = new Call<>(arguments, emitter, Vertx.currentContext());
            List<Call<A, R>> batch = null;
            boolean refused;
            synchronized (this) {
                refused = running == concurrency && waiting.size() >= maxWaiting;
                if (!refused) {
                    waiting.add(call);
                    batch = next();
                }
            }
            if (refused) {
                meters.refused().run();
                emitter.fail(new BulkheadException("too many writes of one statement waiting for the database"));
            } else if (batch != null) {
                start(batch);
            }
        });
    }

    /** The next batch, taking a slot, when one is free and calls wait; else null. Holds the lock. */
    private List<Call<A, R>> next() {
        if (running == concurrency || waiting.isEmpty()) {
            return null;
        }
        running++;
        List<Call<A, R>> batch = new ArrayList<>(Math.min(maxSize, waiting.size()));
        while (batch.size() < maxSize && !waiting.isEmpty()) {
            batch.add(waiting.poll());
        }
        batch.sort(Comparator.comparing(Call::arguments, order));
        return batch;
    }

    /** Runs a batch in a slot, on its first caller's context (the deadline the database call takes is theirs). */
    private void start(List<Call<A, R>> batch) {
        meters.sizes().accept(batch.size());
        onContext(batch.get(0).context(), () -> runner.run(batch.stream().map(Call::arguments).toList())
                .subscribe().with(results -> {
                    ended();
                    for (int i = 0; i < batch.size(); i++) {
                        batch.get(i).complete(results.get(i));
                    }
                }, failure -> {
                    ended();
                    if (batch.size() > 1 && retryAlone.test(failure)) {
                        meters.split().run();
                        batch.forEach(this::runAlone);
                    } else {
                        batch.forEach(call -> call.fail(failure));
                    }
                }));
    }

    /** A batch ended: its slot goes to the calls that waited meanwhile, if any. */
    private void ended() {
        List<Call<A, R>> batch;
        synchronized (this) {
            running--;
            batch = next();
        }
        if (batch != null) {
            start(batch);
        }
    }

    /** A call of a failed batch, run again on its own (outside the slots: at most one batch of them at a time). */
    private void runAlone(Call<A, R> call) {
        onContext(call.context(), () -> runner.run(List.of(call.arguments()))
                .subscribe().with(results -> call.complete(results.get(0)), call::fail));
    }

    private static void onContext(Context context, Runnable action) {
        if (context == null || context == Vertx.currentContext()) {
            action.run();
        } else {
            context.runOnContext(ignored -> action.run());
        }
    }

    private record Call<A, R>(A arguments, UniEmitter<? super R> emitter, Context context) {

        void complete(R result) {
            onContext(context, () -> emitter.complete(result));
        }

        void fail(Throwable failure) {
            onContext(context, () -> emitter.fail(failure));
        }
    }
}

package dev.ballast.db;

import io.smallrye.mutiny.Context;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How recent the rows one piece of work read are (a cache fill's reads): the lowest WAL position a read of it is known
 * to have seen. A read on a read replica has seen what that replica had replayed when its check ran, just before the
 * read on the same connection; a read on the primary has seen every commit before it ({@link #EVERYTHING}). The work
 * runs in the Mutiny {@link #context()} of this object, and {@link Database} reports each of its replica reads here.
 */
public final class ReadPosition {

    /** What the work saw when none of its reads ran on a replica: everything committed before them. */
    public static final long EVERYTHING = Long.MAX_VALUE;
    private static final String KEY = ReadPosition.class.getName();

    private final AtomicLong seen = new AtomicLong(EVERYTHING);

    /** The Mutiny context to subscribe the work with. */
    public Context context() {
        return Context.of(KEY, this);
    }

    /** The lowest WAL position the work's reads have seen so far. */
    public long seen() {
        return seen.get();
    }

    /** A read of the work ran on a replica that had replayed {@code replayed}. */
    public void saw(long replayed) {
        seen.accumulateAndGet(replayed, Math::min);
    }

    /** The position a subscription's context tracks, or null when it tracks none (a read outside any cache fill). */
    public static ReadPosition in(Context context) {
        return context.getOrElse(KEY, () -> null);
    }
}

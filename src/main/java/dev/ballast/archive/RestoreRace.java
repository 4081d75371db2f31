package dev.ballast.archive;

import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/**
 * A write whose statement found its article archived, but another statement brought it back first
 * ({@code restore_lost}, see {@link ArchiveSql#RESTORE}): the write changed nothing and is tried once more,
 * against the article now live. A second loss cannot happen (a live article is not restored), so it is a bug.
 */
public final class RestoreRace {

    private RestoreRace() {
    }

    /** {@code write} again when this was the first attempt ({@code attempt} 0); otherwise a failure. */
    public static <T> Uni<T> retried(int attempt, Supplier<Uni<T>> write) {
        return attempt == 0 ? write.get()
                : Uni.createFrom().failure(new IllegalStateException("the article was restored by another statement twice"));
    }
}

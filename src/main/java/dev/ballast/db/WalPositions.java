package dev.ballast.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The WAL positions of changes, for the caches to compare with what a fill read ({@link ReadPosition}): a position at
 * or past a change's commit. A read replica that has replayed it shows the change. Without read replicas every read
 * is on the primary, which shows every change: no position is asked for, and each is answered as 0.
 */
@ApplicationScoped
public class WalPositions {

    /** Batched: the notices of a burst from another app replica each ask for it at once. */
    static final Statement NOW = Statement.batchedReadOnPrimary("db.walPosition.now",
            "select (pg_current_wal_insert_lsn() - '0/0')::bigint");
    private static final Duration FIRST_RETRY = Duration.ofMillis(50);
    private static final Duration LAST_RETRY = Duration.ofSeconds(5);

    private final Replicas replicas;
    private final Database database;

    WalPositions(Replicas replicas, Database database) {
        this.replicas = replicas;
        this.database = database;
    }

    /**
     * The position of the write the current request has just committed: the one stored for read-your-writes when
     * it was (a signed-in caller's write), else the primary's now.
     */
    public Uni<Long> ofThisRequestsWrite() {
        Long written = replicas.any() ? ReadYourWrites.writtenInThisRequest() : null;
        return written != null ? Uni.createFrom().item(written) : now();
    }

    /**
     * The primary's position now: at or past every change committed before. Asked again until the primary answers,
     * since a change whose position is unknown keeps the caches it emptied from keeping replicas' fills.
     */
    public Uni<Long> now() {
        if (!replicas.any()) {
            return Uni.createFrom().item(0L);
        }
        return database.onPrimary(NOW, Tuple.tuple()).map(rows -> rows.iterator().next().getLong(0))
                .onFailure().retry().withBackOff(FIRST_RETRY, LAST_RETRY).indefinitely();
    }
}

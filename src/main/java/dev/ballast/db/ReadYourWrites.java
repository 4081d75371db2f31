package dev.ballast.db;

import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;

/**
 * Each client reads its own writes, on whichever app replica its next request lands, while other reads go to the read
 * replicas. By default a signed-in caller's reads all stay on the primary: only anonymous callers, who have written
 * nothing, read from replicas. With {@code READ_SIGNED_IN_FROM_REPLICAS}, signed-in callers' reads go to replicas too,
 * once one has replayed the caller's last write. Then, after a signed-in user's write commits, the primary's WAL insert
 * position (at or past the write's commit record) is stored on the primary, per user ({@code write_positions}). A read
 * of that user's then goes to a replica only if the replica has replayed that position; otherwise to the primary. The
 * position is looked up once per request, at its first read, on the primary (one indexed row); anonymous reads need
 * none. The lookups (and the records) of requests at once run together, in one round trip ({@link WriteBatches}); a
 * lookup refused there (too many waiting) sends the request's reads to the primary. Storing it on the primary, rather
 * than in this app replica's memory or in a notice, is what makes any app replica decide alike, at once, with nothing
 * new asked of the client. After a write, the rest of the same request reads from the primary.
 * <p>
 * The caller is known to the database layer through the request's context: the auth layer puts the signed-in user's
 * id there under {@link #CALLER} ({@link #callerIs(long)}). A registration writes before its caller has an id: it
 * stores the new user's position itself ({@link #wroteAs(long)}). The position stored is also the one the caches give
 * the write's change ({@link WalPositions}). Without read replicas none of this runs.
 */
@ApplicationScoped
public class ReadYourWrites {

    /** The signed-in caller's user id (a {@code Long}) in the request's context. */
    static final String CALLER = "ballast.caller";
    /** The WAL position this request's reads must see (a {@code Long}), once known. */
    private static final String POSITION = "ballast.caller-position";
    /** The WAL position stored after this request's last write (a {@code Long}): at or past its commit. */
    private static final String WRITTEN = "ballast.written-position";
    private static final long PRIMARY_ONLY = Long.MAX_VALUE;

    static final Statement RECORD = Statement.batchedWrite("db.writePosition.record", """
            insert into write_positions (user_id, position) values ($1, pg_current_wal_insert_lsn())
            on conflict (user_id) do update set position = greatest(write_positions.position, excluded.position)
            returning (position - '0/0')::bigint""");
    static final Statement LOOKUP = Statement.batchedReadOnPrimary("db.writePosition",
            "select (position - '0/0')::bigint from write_positions where user_id = $1");

    private final Replicas replicas;
    private final Database database;
    private final boolean signedInFromReplicas;

    ReadYourWrites(Replicas replicas, Database database, ReadReplicasConfig config) {
        this.replicas = replicas;
        this.database = database;
        this.signedInFromReplicas = config.signedInFromReplicas();
    }

    /** Names the signed-in caller of the current request (no effect outside a request). */
    public static void callerIs(long userId) {
        Context context = requestContext();
        if (context != null) {
            context.putLocal(CALLER, userId);
        }
    }

    /** Stores the position of a write made for {@code userId} by a caller not yet signed in as them (registration). */
    public Uni<Void> wroteAs(long userId) {
        if (!tracksWrites()) {
            return Uni.createFrom().voidItem();
        }
        Context context = requestContext();
        return record(userId, context);
    }

    /** The write, followed (when it succeeds) by storing its position for the caller, if one is signed in. */
    <T> Uni<T> afterWrite(Uni<T> write) {
        if (!tracksWrites()) {
            return write;
        }
        return Uni.createFrom().deferred(() -> {
            Context context = requestContext();
            Long caller = context == null ? null : context.getLocal(CALLER);
            return caller == null ? write : write.call(() -> record(caller, context));
        });
    }

    /** Signed-in callers' positions are needed only when their reads may go to a replica. */
    private boolean tracksWrites() {
        return signedInFromReplicas && replicas.any();
    }

    /** Whether the current request's reads stay on the primary because its caller is signed in. */
    boolean keepsOnPrimary() {
        if (signedInFromReplicas) {
            return false;
        }
        Context context = requestContext();
        return context != null && context.getLocal(CALLER) != null;
    }

    /**
     * The WAL position the current request's reads must see: 0 for an anonymous caller (any replica within the lag
     * bound will do), the caller's last write's otherwise (0 when there is none), {@link Long#MAX_VALUE} once the
     * request itself wrote (the primary only).
     */
    Uni<Long> positionToSee() {
        Context context = requestContext();
        Long caller = context == null ? null : context.getLocal(CALLER);
        if (caller == null) {
            return Uni.createFrom().item(0L);
        }
        Long known = context.getLocal(POSITION);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return database.onPrimary(LOOKUP, Tuple.of(caller))
                .map(rows -> Database.firstRow(rows).map(row -> row.getLong(0)).orElse(0L))
                .invoke(position -> context.putLocal(POSITION, position))
                .onFailure(BulkheadException.class).recoverWithItem(PRIMARY_ONLY);
    }

    private Uni<Void> record(long userId, Context context) {
        return database.onPrimary(RECORD, Tuple.of(userId)).invoke(rows -> {
            if (context != null) {
                context.putLocal(POSITION, PRIMARY_ONLY);
                context.putLocal(WRITTEN, rows.iterator().next().getLong(0));
            }
        }).replaceWithVoid();
    }

    /** The position stored after the current request's last write (at or past its commit), or null when none was. */
    static Long writtenInThisRequest() {
        Context context = requestContext();
        return context == null ? null : context.getLocal(WRITTEN);
    }

    private static Context requestContext() {
        Context context = Vertx.currentContext();
        return context != null && VertxContext.isDuplicatedContext(context) ? context : null;
    }
}

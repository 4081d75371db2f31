package dev.ballast.db;

/**
 * A SQL statement with the short name it is timed, logged and counted under (for example {@code user.byEmail}),
 * and whether it reads or writes: each kind has its own bulkhead, so a flood of one cannot starve the other. A
 * batched statement runs together with the calls of the same statement that arrive beside it ({@link WriteBatches}):
 * for the frequent writes that rarely fail, each statement alone and correct in any order, and for read-your-writes'
 * own lookups and records of positions. With read replicas, a read may go to one ({@link Database}); a read on the
 * primary always sees the latest commit of anyone's: for what decides a write or checks a credential.
 */
public record Statement(String name, String sql, boolean writes, boolean batched, boolean onPrimary) {

    public static Statement read(String name, String sql) {
        return new Statement(name, sql, false, false, false);
    }

    public static Statement readOnPrimary(String name, String sql) {
        return new Statement(name, sql, false, false, true);
    }

    /** A read on the primary that runs together with the calls of the same statement beside it ({@link WriteBatches}). */
    public static Statement batchedReadOnPrimary(String name, String sql) {
        return new Statement(name, sql, false, true, true);
    }

    public static Statement write(String name, String sql) {
        return new Statement(name, sql, true, false, true);
    }

    public static Statement batchedWrite(String name, String sql) {
        return new Statement(name, sql, true, true, true);
    }
}

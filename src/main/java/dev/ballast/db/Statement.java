package dev.ballast.db;

/**
 * A SQL statement with the short name it is timed, logged and counted under (for example {@code user.byEmail}),
 * and whether it reads or writes: each kind has its own bulkhead, so a flood of one cannot starve the other. A
 * batched write runs together with the calls of the same statement that arrive beside it ({@link WriteBatches}):
 * for the frequent writes that rarely fail, each statement alone and correct in any order.
 */
public record Statement(String name, String sql, boolean writes, boolean batched) {

    public static Statement read(String name, String sql) {
        return new Statement(name, sql, false, false);
    }

    public static Statement write(String name, String sql) {
        return new Statement(name, sql, true, false);
    }

    public static Statement batchedWrite(String name, String sql) {
        return new Statement(name, sql, true, true);
    }
}

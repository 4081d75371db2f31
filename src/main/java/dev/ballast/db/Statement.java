package dev.ballast.db;

/**
 * A SQL statement with the short name it is timed, logged and counted under (for example {@code user.byEmail}),
 * and whether it reads or writes: each kind has its own bulkhead, so a flood of one cannot starve the other.
 */
public record Statement(String name, String sql, boolean writes) {

    public static Statement read(String name, String sql) {
        return new Statement(name, sql, false);
    }

    public static Statement write(String name, String sql) {
        return new Statement(name, sql, true);
    }
}

package dev.ballast.db;

/** A SQL statement with the short name it is timed, logged and counted under (for example {@code user.byEmail}). */
public record Statement(String name, String sql) {
}

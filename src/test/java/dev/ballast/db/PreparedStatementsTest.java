package dev.ballast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every statement is parsed and planned once per connection, then kept prepared: a statement the client does not
 * keep is parsed and planned again on every call, which for the long single-statement writes cost more than
 * running them.
 */
@QuarkusTest
class PreparedStatementsTest {

    @Inject
    Pool pool;

    @Test
    void aConnectionKeepsPreparedAStatementAsLongAsTheLongestOfTheService() {
        Statement longest = namedStatements().stream().max(Comparator.comparingInt(statement -> statement.sql().length())).orElseThrow();
        // As long as the longest, and longer than Vert.x keeps by default (2,048 characters), with a marker of its own
        // to find it among the connection's prepared statements.
        int length = Math.max(longest.sql().length(), 2049);
        String marker = "/* prepared-statements-test " + System.nanoTime() + " */";
        String sql = "select 1 " + marker + " " + "-".repeat(length - marker.length());

        long kept = pool.withConnection(connection -> connection.preparedQuery(sql).execute()
                        .chain(() -> connection.preparedQuery("select count(*) from pg_prepared_statements where strpos(statement, $1) > 0")
                                .execute(Tuple.of(marker))))
                .await().atMost(Duration.ofSeconds(10))
                .iterator().next().getLong(0);

        assertEquals(1, kept, "a statement of " + sql.length() + " characters (the longest, " + longest.name() + ", has "
                + longest.sql().length() + ") was not kept prepared");
    }

    /**
     * The service's named statements: every static {@link Statement} field of its compiled classes (read from
     * {@code target/classes}, where Maven compiled them).
     */
    private static List<Statement> namedStatements() {
        Path classes = Path.of("target", "classes");
        try (Stream<Path> files = Files.walk(classes.resolve("dev"))) {
            return files.filter(file -> file.toString().endsWith(".class"))
                    .map(file -> classes.relativize(file).toString().replace(File.separatorChar, '.').replaceAll("\\.class$", ""))
                    .flatMap(PreparedStatementsTest::staticStatements)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<Statement> staticStatements(String className) {
        try {
            return Arrays.stream(Class.forName(className).getDeclaredFields())
                    .filter(field -> field.getType() == Statement.class && Modifier.isStatic(field.getModifiers()))
                    .map(field -> {
                        field.setAccessible(true);
                        try {
                            return (Statement) field.get(null);
                        } catch (IllegalAccessException e) {
                            throw new AssertionError("cannot read " + className + "." + field.getName(), e);
                        }
                    });
        } catch (ClassNotFoundException | LinkageError e) {
            throw new AssertionError("cannot load " + className, e);
        }
    }
}

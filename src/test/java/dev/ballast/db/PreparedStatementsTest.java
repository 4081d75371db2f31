package dev.ballast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
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
        assertTrue(longest.sql().length() > 2048, "the longest statement, " + longest.name() + ", is "
                + longest.sql().length() + " characters: longer than Vert.x keeps by default");
        // As long as the longest, with a marker of its own to find it among the connection's prepared statements.
        String marker = "/* prepared-statements-test " + System.nanoTime() + " */";
        String sql = "select 1 " + marker + " " + "-".repeat(longest.sql().length() - marker.length());

        long kept = pool.withConnection(connection -> connection.preparedQuery(sql).execute()
                        .chain(() -> connection.preparedQuery("select count(*) from pg_prepared_statements where strpos(statement, $1) > 0")
                                .execute(Tuple.of(marker))))
                .await().atMost(Duration.ofSeconds(10))
                .iterator().next().getLong(0);

        assertEquals(1, kept, "a statement of " + sql.length() + " characters was not kept prepared");
    }

    /** The service's named statements: every static {@link Statement} field of its classes. */
    private static List<Statement> namedStatements() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.ballast").stream()
                .flatMap(type -> type.getFields().stream())
                .filter(field -> field.getRawType().isEquivalentTo(Statement.class) && field.getModifiers().contains(JavaModifier.STATIC))
                .map(PreparedStatementsTest::value)
                .toList();
    }

    private static Statement value(JavaField field) {
        try {
            Field reflected = Class.forName(field.getOwner().getName()).getDeclaredField(field.getName());
            reflected.setAccessible(true);
            return (Statement) reflected.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot read " + field.getFullName(), e);
        }
    }
}

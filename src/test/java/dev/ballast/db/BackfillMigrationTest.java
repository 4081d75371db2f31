package dev.ballast.db;

import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.register;
import static dev.ballast.Api.uniqueName;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.ballast.Api.Account;
import dev.ballast.cache.ReadCaches;
import dev.ballast.cache.ViewCaches;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * V7_1 brings rows written before V7 in line: tag links without a position are numbered in the order readers saw
 * until then (by name), and blank bios and images become none. The script is run again here, over rows made to look
 * like old ones, as Flyway runs it: statement by statement, outside a transaction (its batches commit).
 */
@QuarkusTest
class BackfillMigrationTest {

    private static final String SCRIPT = "db/migration/V7_1__backfill_tag_order_and_empty_profile_fields.sql";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ViewCaches caches;

    @Test
    void oldTagLinksAreNumberedByNameAndBlankProfileFieldsBecomeNone() throws Exception {
        Account author = register("legacy");
        String b = uniqueName("b");
        String a = uniqueName("a");
        String c = uniqueName("c");
        String slug = createArticle(author, "Written before V7", List.of(b, c, a));
        try (Connection connection = dataSource.getConnection()) {
            update(connection, "update article_tags set position = null where article_id = (select id from articles where slug = ?)", slug);
            update(connection, "update users set bio = '', image = ' ' where username = ?", author.username());
            try (Statement statement = connection.createStatement()) {
                for (String sql : statements(SCRIPT)) {
                    statement.execute(sql);
                }
            }
        }
        // The script runs before the service starts, with empty caches: empty them as a restart would.
        caches.named(ReadCaches.ARTICLE).invalidateAll();
        caches.named(ReadCaches.PROFILE).invalidateAll();
        author.as().get("/api/articles/" + slug).then().statusCode(200).body("article.tagList", contains(a, b, c));
        author.as().get("/api/user").then().statusCode(200)
                .body("user.bio", nullValue()).body("user.image", nullValue())
                .body("user.username", equalTo(author.username()));
    }

    private static void update(Connection connection, String sql, String argument) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, argument);
            statement.executeUpdate();
        }
    }

    /** The script's statements: a line ending in ';' ends one, unless it is inside a $$-quoted body. */
    private static List<String> statements(String resource) throws IOException {
        String script;
        try (InputStream in = BackfillMigrationTest.class.getClassLoader().getResourceAsStream(resource)) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (String line : script.split("\n")) {
            current.append(line).append('\n');
            if (line.split("\\$\\$", -1).length % 2 == 0) {
                quoted = !quoted;
            }
            if (!quoted && line.strip().endsWith(";")) {
                statements.add(current.toString());
                current.setLength(0);
            }
        }
        return statements;
    }
}

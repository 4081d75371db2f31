package dev.ballast;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * A data set large enough that Postgres plans as it does at size (bench/generate.sql at a fiftieth of the
 * benchmark size: 20,000 articles, 60,000 comments, 2,000 users, analyzed), and EXPLAIN of statements on it.
 * Its articles are 0 to 200 days old: the archive tests (365 days) leave them alone.
 */
public final class SizedData {

    /** Tables that grow with use: none of them may be read sequentially by a hot statement. */
    public static final Set<String> LARGE_TABLES = Set.of("articles", "comments", "favorites", "follows",
            "article_tags", "users");

    /** Rows whose counter (V8; a user's favorites are not counted since V18) differs from a count of the rows it counts; 0 when nothing drifted. */
    public static final String DRIFTED_COUNTERS = """
            select (select count(*) from users u
                    where articles_count <> (select count(*) from articles a where a.author_id = u.id))
                 + (select count(*) from tags t
                    where articles_count <> (select count(*) from article_tags at where at.tag_id = t.id))
                 + (select count(*) from articles a
                    where favorites_count <> (select count(*) from favorites f where f.article_id = a.id))
                 + (select count(*) from article_totals where live_count <> (select count(*) from articles))""";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static boolean generated;

    private SizedData() {
    }

    /** Generates the set once per test run. */
    public static synchronized void ensure(DataSource dataSource) throws IOException, SQLException {
        if (generated) {
            return;
        }
        String script = Files.readString(Path.of("bench/generate.sql"))
                .replace("{{users}}", "2000").replace("{{articles}}", "20000").replace("{{comments}}", "60000")
                .replace("{{favorites}}", "20000").replace("{{days}}", "200");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            statement.execute(script);
            statement.execute("vacuum (analyze) users, follows, articles, tags, article_tags, favorites, comments");
        }
        generated = true;
    }

    /** A single value from the database. */
    public static String value(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** The plan of a statement with $n placeholders, run with these values as the service would (prepared). */
    public static JsonNode explain(DataSource dataSource, String sql, Object... values) throws SQLException, IOException {
        return explain(dataSource, false, sql, values);
    }

    /**
     * The same, optionally with sequential scans priced out: for a table the data set leaves nearly empty, which the
     * planner rightly reads whole, to see that the index the statement needs at size serves it.
     */
    public static JsonNode explain(DataSource dataSource, boolean withoutSeqScans, String sql, Object... values)
            throws SQLException, IOException {
        String arguments = java.util.Arrays.stream(values).map(SizedData::literal).collect(Collectors.joining(", "));
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("set enable_seqscan = " + (withoutSeqScans ? "off" : "on"));
            statement.execute("prepare hot as " + sql);
            try (ResultSet rows = statement.executeQuery("explain (format json) execute hot"
                    + (values.length == 0 ? "" : "(" + arguments + ")"))) {
                rows.next();
                return JSON.readTree(rows.getString(1)).get(0).get("Plan");
            } finally {
                statement.execute("deallocate hot");
                statement.execute("reset enable_seqscan");
            }
        }
    }

    /**
     * Asserts the plan reads one of the indexes (with an index-only scan when asked) and no large table
     * sequentially.
     */
    public static void assertReadsIndex(JsonNode plan, Set<String> indexes, boolean indexOnly) {
        List<JsonNode> nodes = assertNoLargeTableReadSequentially(plan);
        assertTrue(nodes.stream().anyMatch(node -> indexes.contains(node.path("Index Name").asText())
                        && (!indexOnly || "Index Only Scan".equals(node.path("Node Type").asText()))),
                (indexOnly ? "no index-only scan of " : "no scan of ") + indexes + " in " + plan.toPrettyString());
    }

    public static void assertReadsIndex(JsonNode plan, String index, boolean indexOnly) {
        assertReadsIndex(plan, Set.of(index), indexOnly);
    }

    /** Asserts no large table is read sequentially; returns the plan's nodes. */
    public static List<JsonNode> assertNoLargeTableReadSequentially(JsonNode plan) {
        List<JsonNode> nodes = new ArrayList<>();
        collect(plan, nodes);
        for (JsonNode node : nodes) {
            boolean sequential = "Seq Scan".equals(node.path("Node Type").asText());
            assertFalse(sequential && LARGE_TABLES.contains(node.path("Relation Name").asText()),
                    "sequential scan of " + node.path("Relation Name").asText() + " in " + plan.toPrettyString());
        }
        return nodes;
    }

    private static void collect(JsonNode node, List<JsonNode> into) {
        into.add(node);
        node.path("Plans").forEach(child -> collect(child, into));
    }

    private static String literal(Object value) {
        if (value == null) {
            return "null";
        }
        return value instanceof Number ? value.toString() : "'" + value.toString().replace("'", "''") + "'";
    }
}

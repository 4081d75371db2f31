package dev.ballast.db;

import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.register;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The size gauges show each table and index once refreshed (by the schedule, or here by hand). */
@QuarkusTest
class TableSizesTest {

    @Inject
    TableSizes sizes;

    @Inject
    MeterRegistry registry;

    @Inject
    AgroalDataSource dataSource;

    private double gauge(String name, String table) {
        return registry.get(name).tag("table", table).gauge().value();
    }

    @Test
    void gaugesShowRowsAndBytesOfEachTableAndIndex() throws Exception {
        createArticle(register("sized"), "Sized", List.of("measured"));
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("analyze articles");
        }
        sizes.refresh().await().indefinitely();

        assertTrue(gauge("ballast.table.rows", "articles") >= 1, "estimated rows of articles");
        assertTrue(gauge("ballast.table.bytes", "articles") > 0, "bytes of articles");
        assertTrue(registry.get("ballast.index.bytes").tag("table", "articles").tag("index", "articles_created_idx")
                .gauge().value() > 0, "bytes of an index");
        assertTrue(gauge("ballast.table.bytes", "archived_comments") >= 0, "archive tables are watched too");
    }
}

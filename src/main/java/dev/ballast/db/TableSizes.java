package dev.ballast.db;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Gauges of the size of every table of the schema and of each of its indexes, read from the catalog on a
 * schedule (never on a request path): {@code ballast_table_rows} (the planner's estimate, pg_class.reltuples,
 * as of the last VACUUM or ANALYZE: no table is counted), {@code ballast_table_bytes} (heap and TOAST) and
 * {@code ballast_index_bytes}. docs/capacity.md says what to watch.
 */
@ApplicationScoped
public class TableSizes {

    private static final Logger LOG = Logger.getLogger(TableSizes.class);

    private static final Statement SIZES = Statement.read("db.tableSizes", """
            select t.relname as table_name, i.relname as index_name, greatest(t.reltuples, 0)::bigint as estimated_rows,
                   pg_table_size(t.oid) as table_bytes, pg_relation_size(i.oid) as index_bytes
            from pg_class t
                 join pg_namespace n on n.oid = t.relnamespace
                 left join pg_index x on x.indrelid = t.oid
                 left join pg_class i on i.oid = x.indexrelid
            where n.nspname = current_schema() and t.relkind = 'r'""");

    private final Database db;
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    TableSizes(Database db, MeterRegistry registry) {
        this.db = db;
        this.registry = registry;
    }

    /**
     * A database too busy or not answering is already reported (the heartbeat, the 503s); the gauges keep their
     * last values until the next run. Any other failure is a bug and is left to the scheduler to log.
     */
    @Scheduled(every = "{ballast.table-sizes.interval}", delayed = "5s", identity = "table-sizes",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return refresh().onFailure(DatabaseFailures::isUnavailable).recoverWithUni(failure -> {
            LOG.infof("Table sizes not refreshed, the database is busy or unavailable: %s", failure.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    public Uni<Void> refresh() {
        return db.execute(SIZES, Tuple.tuple()).invoke(rows -> {
            for (Row row : rows) {
                String table = row.getString("table_name");
                set("ballast.table.rows", "Estimated rows (pg_class.reltuples)", table, null, row.getLong("estimated_rows"));
                set("ballast.table.bytes", "Bytes of the table (heap and TOAST)", table, null, row.getLong("table_bytes"));
                String index = row.getString("index_name");
                if (index != null) {
                    set("ballast.index.bytes", "Bytes of the index", table, index, row.getLong("index_bytes"));
                }
            }
        }).replaceWithVoid();
    }

    private void set(String name, String description, String table, String index, long value) {
        String key = name + "/" + table + "/" + index;
        gauges.computeIfAbsent(key, k -> {
            AtomicLong holder = new AtomicLong();
            Gauge.Builder<AtomicLong> gauge = Gauge.builder(name, holder, AtomicLong::get).description(description)
                    .tag("table", table);
            if (index != null) {
                gauge.tag("index", index);
            }
            gauge.register(registry);
            return holder;
        }).set(value);
    }
}

package dev.ballast.db;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The one way features reach Postgres: every statement runs through the reactive pool, is timed
 * ({@code ballast_db_query_seconds{statement=...}}), and is logged and counted when slower than
 * {@code ballast.db.slow-query}.
 */
@ApplicationScoped
public class Database {

    private static final Logger LOG = Logger.getLogger(Database.class);
    private static final String UNIQUE_VIOLATION = "23505";

    private final Pool pool;
    private final MeterRegistry registry;
    private final long slowQueryNanos;
    private final Counter slowQueries;

    Database(Pool pool, MeterRegistry registry, @ConfigProperty(name = "ballast.db.slow-query") Duration slowQuery) {
        this.pool = pool;
        this.registry = registry;
        this.slowQueryNanos = slowQuery.toNanos();
        this.slowQueries = registry.counter("ballast.db.slow.queries");
    }

    /** Runs a statement on a pooled connection. */
    public Uni<RowSet<Row>> execute(Statement statement, Tuple arguments) {
        return execute(pool, statement, arguments);
    }

    /** Runs a statement on the given client: the pool, or a connection holding a transaction. */
    public Uni<RowSet<Row>> execute(SqlClient client, Statement statement, Tuple arguments) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return client.preparedQuery(statement.sql()).execute(arguments)
                    .onItemOrFailure().invoke((rows, failure) -> record(statement, System.nanoTime() - start, rows));
        });
    }

    /** Runs work in one transaction: committed when the returned Uni succeeds, rolled back when it fails. */
    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(work);
    }

    /** Whether a failure is the violation of the named unique constraint (a race the database decided). */
    public static boolean isUniqueViolation(Throwable failure, String constraint) {
        return failure instanceof PgException pg
                && UNIQUE_VIOLATION.equals(pg.getSqlState())
                && constraint.equals(pg.getConstraint());
    }

    private void record(Statement statement, long nanos, RowSet<Row> rows) {
        Timer.builder("ballast.db.query")
                .description("Time spent in each SQL statement")
                .tag("statement", statement.name())
                .register(registry)
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (nanos >= slowQueryNanos) {
            slowQueries.increment();
            LOG.warnf("Slow query %s took %d ms and returned %s rows", statement.name(), nanos / 1_000_000,
                    rows == null ? "no" : Integer.toString(rows.rowCount()));
        }
    }
}

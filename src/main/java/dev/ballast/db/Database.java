package dev.ballast.db;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The one way features reach Postgres: every statement runs through the gate (a client-side deadline, the
 * heartbeat's circuit breaker) on a pooled connection, is timed
 * ({@code ballast_db_query_seconds{statement=...}}), and is logged and counted when slower than
 * {@code ballast.db.slow-query}.
 */
@ApplicationScoped
public class Database {

    private static final Logger LOG = Logger.getLogger(Database.class);
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private final DatabaseGate gate;
    private final DatabaseBulkheads bulkheads;
    private final MeterRegistry registry;
    private final long slowQueryNanos;
    private final Counter slowQueries;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    Database(DatabaseGate gate, DatabaseBulkheads bulkheads, MeterRegistry registry,
             @ConfigProperty(name = "ballast.db.slow-query") Duration slowQuery) {
        this.gate = gate;
        this.bulkheads = bulkheads;
        this.registry = registry;
        this.slowQueryNanos = slowQuery.toNanos();
        this.slowQueries = registry.counter("ballast.db.slow.queries");
    }

    /**
     * Runs a statement on a pooled connection, within the bulkhead of its kind (read or write). The time
     * recorded is the statement's own, not the wait for a connection (that is {@code sql_pool_queue_delay_seconds}).
     */
    public Uni<RowSet<Row>> execute(Statement statement, Tuple arguments) {
        Supplier<Uni<RowSet<Row>>> work = () -> gate.withConnection(connection -> execute(connection, statement, arguments));
        return statement.writes() ? bulkheads.writing(work) : bulkheads.reading(work);
    }

    /** Runs a statement on the given client, typically a connection holding a transaction. */
    public Uni<RowSet<Row>> execute(SqlClient client, Statement statement, Tuple arguments) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return client.preparedQuery(statement.sql()).execute(arguments)
                    .onItemOrFailure().invoke((rows, failure) -> record(statement, System.nanoTime() - start, rows));
        });
    }

    /**
     * Runs work in one transaction (within the write bulkhead and one deadline): committed when the returned
     * Uni succeeds, rolled back when it fails. Its statements go through {@link #execute(SqlClient, Statement, Tuple)}.
     */
    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return bulkheads.writing(() -> gate.inTransaction(work));
    }

    /** The first row of a result, or empty when there is none. */
    public static Optional<Row> firstRow(RowSet<Row> rows) {
        RowIterator<Row> iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(iterator.next()) : Optional.empty();
    }

    /** Whether a failure is the violation of the named unique constraint (a race the database decided). */
    public static boolean isUniqueViolation(Throwable failure, String constraint) {
        return isViolation(failure, UNIQUE_VIOLATION, constraint);
    }

    /**
     * Whether a failure is the violation of the named foreign key: the row it refers to was deleted by a
     * transaction that committed while this statement waited for it (a race the database decided).
     */
    public static boolean isForeignKeyViolation(Throwable failure, String constraint) {
        return isViolation(failure, FOREIGN_KEY_VIOLATION, constraint);
    }

    private static boolean isViolation(Throwable failure, String sqlState, String constraint) {
        return failure instanceof PgException pg && sqlState.equals(pg.getSqlState()) && constraint.equals(pg.getConstraint());
    }

    private void record(Statement statement, long nanos, RowSet<Row> rows) {
        timers.computeIfAbsent(statement.name(), name -> Timer.builder("ballast.db.query")
                        .description("Time spent in each SQL statement")
                        .tag("statement", name)
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
        if (nanos >= slowQueryNanos) {
            slowQueries.increment();
            LOG.warnf("Slow query %s took %d ms and returned %s rows", statement.name(), nanos / 1_000_000,
                    rows == null ? "no" : Integer.toString(rows.rowCount()));
        }
    }
}

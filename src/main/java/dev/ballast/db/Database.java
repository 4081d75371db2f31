package dev.ballast.db;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The one way features reach Postgres: every statement runs through the gate (a client-side deadline, the
 * heartbeat's circuit breaker) on a pooled connection, is timed
 * ({@code ballast_db_query_seconds{statement=...}}), and is logged and counted when slower than
 * {@code ballast.db.slow-query}.
 * <p>
 * With read replicas ({@code READ_DATABASE_URL}), an anonymous caller's read (by default; any caller's with
 * {@code READ_SIGNED_IN_FROM_REPLICAS}) goes to a replica that has replayed what the caller must see
 * ({@link ReadYourWrites}) and is within {@code READ_MAX_LAG} ({@link Replicas}), within that replica's bulkhead and
 * through the gate, and checked there in the same round trip; with none such, when the server it ran on turns out
 * behind, or when the replica fails it (unreachable, busy, a recovery conflict), the read runs on the primary instead.
 * Writes, transactions and the reads marked {@link Statement#onPrimary()} always run on the primary.
 * {@code ballast_db_reads_total} counts where reads went, and why to the primary.
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
    private final Map<String, WriteBatches<Tuple, RowSet<Row>>> batches = new ConcurrentHashMap<>();
    private final int batchMaxSize;
    private final int batchConcurrency;
    private final int batchQueue;
    private final Counter batchRefusals;
    private final Replicas replicas;
    private final ReadYourWrites readYourWrites;
    private final Counter toReplica;
    private final Counter toPrimaryForOwnWrite;
    private final Counter toPrimaryForSignedIn;
    private final Counter toPrimaryForNoReplica;
    private final Counter toPrimaryAfterFailure;
    private final Counter toPrimaryForReplicaBehind;

    Database(DatabaseGate gate, DatabaseBulkheads bulkheads, MeterRegistry registry, Replicas replicas,
             ReadYourWrites readYourWrites, DatabaseSettings settings) {
        this.gate = gate;
        this.bulkheads = bulkheads;
        this.registry = registry;
        this.slowQueryNanos = settings.slowQuery().toNanos();
        this.slowQueries = registry.counter("ballast.db.slow.queries");
        this.batchMaxSize = settings.writeBatch().maxSize();
        this.batchConcurrency = settings.writeBatch().concurrency();
        this.batchQueue = settings.writeBatch().queue();
        this.batchRefusals = registry.counter("ballast.rejections", "reason", "bulkhead", "bulkhead", "db-write-batches");
        this.replicas = replicas;
        this.readYourWrites = readYourWrites;
        this.toReplica = registry.counter("ballast.db.reads", "to", "replica", "why", "replayed");
        this.toPrimaryForOwnWrite = registry.counter("ballast.db.reads", "to", "primary", "why", "own-write");
        this.toPrimaryForSignedIn = registry.counter("ballast.db.reads", "to", "primary", "why", "signed-in");
        this.toPrimaryForNoReplica = registry.counter("ballast.db.reads", "to", "primary", "why", "no-replica-usable");
        this.toPrimaryAfterFailure = registry.counter("ballast.db.reads", "to", "primary", "why", "replica-failed");
        this.toPrimaryForReplicaBehind = registry.counter("ballast.db.reads", "to", "primary", "why", "replica-behind");
    }

    /**
     * Runs a statement on a pooled connection, within the bulkhead of its kind (read or write). The time
     * recorded is the statement's own, not the wait for a connection (that is {@code sql_pool_queue_delay_seconds}).
     */
    public Uni<RowSet<Row>> execute(Statement statement, Tuple arguments) {
        if (statement.batched() && batchMaxSize > 1) {
            return readYourWrites.afterWrite(batched(statement, arguments));
        }
        Uni<RowSet<Row>> executed = pooled(statement, connection -> execute(connection, statement, arguments));
        return statement.writes() ? readYourWrites.afterWrite(executed) : executed;
    }

    /**
     * Work on a pooled connection, through the gate, within the bulkhead of the statement's kind: on the primary, or
     * for a read, on a replica that may serve it.
     */
    private <T> Uni<T> pooled(Statement statement, Function<SqlConnection, Uni<T>> work) {
        Supplier<Uni<T>> call = () -> gate.withConnection(work);
        if (statement.writes()) {
            return bulkheads.writing(call);
        }
        Supplier<Uni<T>> onPrimary = () -> bulkheads.reading(call);
        return statement.onPrimary() || !replicas.any() ? onPrimary.get() : routed(work, onPrimary);
    }

    private <T> Uni<T> routed(Function<SqlConnection, Uni<T>> work, Supplier<Uni<T>> onPrimary) {
        if (readYourWrites.keepsOnPrimary()) {
            toPrimaryForSignedIn.increment();
            return onPrimary.get();
        }
        if (replicas.choose(0) == null) { // none usable at all: no need to ask what the caller must see
            toPrimaryForNoReplica.increment();
            return onPrimary.get();
        }
        Uni<Long> positionToSee = readYourWrites.positionToSee();
        return Uni.createFrom().context(context -> positionToSee.chain(position -> {
            Replica replica = replicas.choose(position);
            if (replica == null) {
                (position > 0 ? toPrimaryForOwnWrite : toPrimaryForNoReplica).increment();
                return onPrimary.get();
            }
            ReadPosition read = ReadPosition.in(context);
            return bulkheads.reading(replica.reads(),
                            () -> gate.withConnection(replica, connection -> checked(connection, work, position, read)))
                    .invoke(() -> toReplica.increment())
                    .onFailure().recoverWithUni(failure -> {
                        (failure instanceof ReplicaBehind ? toPrimaryForReplicaBehind : toPrimaryAfterFailure).increment();
                        return onPrimary.get();
                    });
        }));
    }

    /**
     * The read, and in the same round trip before it, on the same connection, the replica's check: the read's answer is
     * used only if that server, as it was just before the read, serves it. A replica URL may name a load-balanced
     * address (a Kubernetes Service in front of several replicas): each connection may reach another server, further
     * behind than the one {@link Replicas} last checked, or one promoted since. The check's replay position is what
     * the read is known to have seen: reported to the cache fill the read is part of, if any ({@code read}, or null).
     */
    private <T> Uni<T> checked(SqlConnection connection, Function<SqlConnection, Uni<T>> work, long position, ReadPosition read) {
        // Prepared, as the reads are: parsed and planned once per connection, not at every read.
        Uni<Row> check = connection.preparedQuery(Replica.CHECK).execute().map(rows -> rows.iterator().next());
        // Both answered before the connection goes back: a failed check must not hand over a connection still reading.
        return Uni.combine().all().unis(check, work.apply(connection)).collectFailures().asTuple().map(answers -> {
            Row checked = answers.getItem1();
            if (!replicas.serves(checked, position)) {
                throw new ReplicaBehind();
            }
            if (read != null) {
                read.saw(checked.getLong("replayed"));
            }
            return answers.getItem2();
        });
    }

    /** The replica a read ran on had not replayed what the read must see, or was too far behind: its answer is not used. */
    private static final class ReplicaBehind extends RuntimeException {
        ReplicaBehind() {
            super("read replica behind", null, false, false);
        }
    }

    /** A statement on the primary, neither routed nor followed by a stored write position: read-your-writes' own. */
    Uni<RowSet<Row>> onPrimary(Statement statement, Tuple arguments) {
        if (statement.batched() && batchMaxSize > 1) {
            return batched(statement, arguments);
        }
        Supplier<Uni<RowSet<Row>>> call = () -> gate.withConnection(connection -> execute(connection, statement, arguments));
        return statement.writes() ? bulkheads.writing(call) : bulkheads.reading(call);
    }

    /** Runs a statement on the given client, typically a connection holding a transaction. */
    public Uni<RowSet<Row>> execute(SqlClient client, Statement statement, Tuple arguments) {
        return timed(statement, () -> client.preparedQuery(statement.sql()).execute(arguments));
    }

    private Uni<RowSet<Row>> batched(Statement statement, Tuple arguments) {
        return batches.computeIfAbsent(statement.name(), name -> batches(statement)).execute(arguments);
    }

    /**
     * The batches of a batched statement: a batch of one is the statement as any other; a larger one is the statement
     * executed once per call in one round trip, in one transaction (the extended protocol's executions before a
     * single Sync). Ordered by the first argument, if any (the article's slug, the user's id): the row each call locks
     * first.
     */
    private WriteBatches<Tuple, RowSet<Row>> batches(Statement statement) {
        WriteBatches.Meters meters = new WriteBatches.Meters(
                DistributionSummary.builder("ballast.db.write.batch.size")
                        .description("Calls of a batched statement run together in one transaction")
                        .tag("statement", statement.name())
                        .register(registry)::record,
                batchRefusals::increment,
                registry.counter("ballast.db.write.batch.split", "statement", statement.name())::increment);
        WriteBatches.Runner<Tuple, RowSet<Row>> runner = arguments -> pooled(statement, connection -> arguments.size() == 1
                ? execute(connection, statement, arguments.get(0)).map(List::of)
                : timed(statement, () -> connection.preparedQuery(statement.sql()).executeBatch(arguments))
                        .map(first -> each(first, arguments.size())));
        Comparator<Tuple> order = Comparator.comparing(
                arguments -> arguments.size() == 0 ? "" : String.valueOf(arguments.getValue(0)));
        return new WriteBatches<>(runner, order, DatabaseFailures::isStatementsOwn, batchMaxSize, batchConcurrency,
                batchQueue, meters);
    }

    /** The results of a batch's executions, in order: the first, then each one's next. */
    private static List<RowSet<Row>> each(RowSet<Row> first, int count) {
        List<RowSet<Row>> results = new ArrayList<>(count);
        for (RowSet<Row> rows = first; results.size() < count; rows = rows.next()) {
            results.add(rows);
        }
        return results;
    }

    private Uni<RowSet<Row>> timed(Statement statement, Supplier<Uni<RowSet<Row>>> execution) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return execution.get().onItemOrFailure().invoke((rows, failure) -> record(statement, System.nanoTime() - start, rows));
        });
    }

    /**
     * Runs work in one transaction (within the write bulkhead and one deadline): committed when the returned
     * Uni succeeds, rolled back when it fails. Its statements go through {@link #execute(SqlClient, Statement, Tuple)}.
     */
    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return readYourWrites.afterWrite(bulkheads.writing(() -> gate.inTransaction(work)));
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

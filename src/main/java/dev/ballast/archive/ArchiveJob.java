package dev.ballast.archive;

import dev.ballast.archive.ArchiveRepository.Batch;
import dev.ballast.archive.ArchiveRepository.Run;
import dev.ballast.db.DatabaseGate;
import dev.ballast.facts.Fact.ArticlesArchived;
import dev.ballast.facts.Facts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Moves articles with no activity for {@code ballast.archive.after} to the archive tables, on a schedule.
 *
 * <p>One replica at a time: the run holds one pooled connection throughout (through the gate, with no deadline
 * of the gate's: each statement is bounded by Postgres) and a session advisory lock on
 * it (released at the end, or by Postgres if the connection dies); a replica that does not get the lock
 * skips the run. A transaction-scoped lock per batch would let two replicas interleave batches. Each batch is
 * its own short transaction of at most {@code batch-size} articles, waiting at most {@code lock-timeout} for
 * a row another transaction holds (rows locked by live traffic are skipped, not waited for), and saves the
 * run's position with its rows: a run interrupted at any point resumes after the last committed batch.
 *
 * <p>{@code ballast_archive_last_success_seconds} is the last success of any replica, read from the database at
 * start-up and after each scheduled run (until the first success ever, this replica's start), so a rollout does
 * not reset it; it exists only where runs are scheduled (or one has run), never with {@code ARCHIVE_CRON=off}.
 */
@ApplicationScoped
public class ArchiveJob {

    private static final Logger LOG = Logger.getLogger(ArchiveJob.class);

    /** What a call to {@link #run()} did. */
    public enum Outcome { DONE, SKIPPED }

    private final DatabaseGate gate;
    private final ArchiveRepository archive;
    private final Facts facts;
    private final Duration after;
    private final int batchSize;
    private final String lockTimeout;
    private final Counter articlesMoved;
    private final Counter commentsMoved;
    private final Counter tagsMoved;
    private final Counter favoritesMoved;
    private final Timer runs;
    private final AtomicLong lastSuccess = new AtomicLong(System.currentTimeMillis() / 1000);
    private final MeterRegistry registry;
    private final boolean scheduled;

    ArchiveJob(DatabaseGate gate, ArchiveRepository archive, Facts facts, MeterRegistry registry, ArchiveSettings settings) {
        this.gate = gate;
        this.archive = archive;
        this.facts = facts;
        this.after = Duration.ofDays(settings.afterDays());
        this.batchSize = settings.batchSize();
        this.lockTimeout = settings.lockTimeout().toMillis() + "ms";
        this.articlesMoved = moved(registry, "articles");
        this.commentsMoved = moved(registry, "comments");
        this.tagsMoved = moved(registry, "article_tags");
        this.favoritesMoved = moved(registry, "favorites");
        this.runs = Timer.builder("ballast.archive.run").description("Duration of successful archive runs").register(registry);
        this.registry = registry;
        // Quarkus' scheduler takes "off" and "disabled" for no schedule.
        this.scheduled = !settings.cron().equals("off") && !settings.cron().equals("disabled");
    }

    void start(@Observes StartupEvent event) {
        if (scheduled) {
            readLastSuccess();
        }
    }

    /** The last success of any replica, once the gauge exists: the run may have been another replica's. */
    void readLastSuccess() {
        archive.lastSuccess().subscribe().with(last -> {
            if (last != null) {
                lastSuccess.set(last.toEpochSecond());
            }
            registry.gauge("ballast.archive.last.success.seconds", lastSuccess, AtomicLong::get);
        }, failure -> LOG.warnf("The archive's last success could not be read: %s", failure.getMessage()));
    }

    private static Counter moved(MeterRegistry registry, String table) {
        return Counter.builder("ballast.archive.rows.moved").description("Rows moved to the archive tables")
                .tag("table", table).register(registry);
    }

    @Scheduled(cron = "{ballast.archive.cron}", identity = "archive", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return run().onFailure().invoke(failure -> LOG.warnf("Archive run stopped, the next one resumes it: %s",
                failure.getMessage())).onFailure().recoverWithNull().invoke(this::readLastSuccess).replaceWithVoid();
    }

    /** One run: skipped when another holds the lock, otherwise every batch until the newest article. */
    public Uni<Outcome> run() {
        long start = System.nanoTime();
        return gate.withHeldConnection(connection -> archive.tryLock(connection).chain(locked -> {
            if (!locked) {
                LOG.info("Archive run skipped: another run holds the lock");
                return Uni.createFrom().item(Outcome.SKIPPED);
            }
            return archive.start(connection, OffsetDateTime.now().minus(after))
                    .chain(run -> batches(connection, run, run.nextId()))
                    .chain(() -> archive.finish(connection))
                    .invoke(finished -> {
                        lastSuccess.set(finished.toEpochSecond());
                        registry.gauge("ballast.archive.last.success.seconds", lastSuccess, AtomicLong::get);
                        runs.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    })
                    .replaceWith(Outcome.DONE)
                    .eventually(() -> archive.unlock(connection));
        }));
    }

    private Uni<Void> batches(SqlConnection connection, Run run, long after) {
        if (after >= run.lastId()) {
            return Uni.createFrom().voidItem();
        }
        return archive.moveBatch(connection, run, after, batchSize, batchSize * 10, lockTimeout)
                .invoke(this::count)
                .invoke(batch -> facts.committed(batch.articles() > 0 ? List.of(new ArticlesArchived()) : List.of()))
                .chain(batch -> batches(connection, run, batch.nextId()));
    }

    private void count(Batch batch) {
        articlesMoved.increment(batch.articles());
        commentsMoved.increment(batch.comments());
        tagsMoved.increment(batch.tags());
        favoritesMoved.increment(batch.favorites());
    }
}

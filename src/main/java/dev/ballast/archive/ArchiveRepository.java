package dev.ballast.archive;

import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;

/**
 * The SQL that moves idle articles, with their tags, favorites and comments, to the archive tables (V13); a
 * write brings one back through {@link ArchivedArticles}. Each move is one statement: an article is either live or
 * archived, never half of each. The counter triggers (V8, V16) see the rows leave and come back,
 * so every count stays exact without any code here.
 */
@ApplicationScoped
class ArchiveRepository {

    /** Articles with no update, comment, favorite or restore since $1, in id order from $2 up to $3, at most $4. */
    private static final Statement MOVE = Statement.write("archive.move", """
            with batch as (
                select a.id from articles a
                where a.id > $2 and a.id <= $3
                  and a.updated_at < $1 and (a.restored_at is null or a.restored_at < $1)
                  and not exists (select 1 from comments c where c.article_id = a.id and c.created_at >= $1)
                  and not exists (select 1 from favorites f where f.article_id = a.id and f.created_at >= $1)
                order by a.id limit $4
                for update skip locked),
            moved_tags as (delete from article_tags where article_id in (select id from batch) returning *),
            kept_tags as (insert into archived_article_tags select * from moved_tags),
            moved_favorites as (delete from favorites where article_id in (select id from batch) returning *),
            kept_favorites as (insert into archived_favorites select * from moved_favorites),
            moved_comments as (delete from comments where article_id in (select id from batch) returning *),
            kept_comments as (insert into archived_comments select * from moved_comments),
            moved as (delete from articles where id in (select id from batch) returning *),
            kept as (insert into archived_articles select * from moved)
            select (select count(*) from moved) as articles, (select max(id) from moved) as last_id,
                   (select count(*) from moved_comments) as comments, (select count(*) from moved_tags) as tags,
                   (select count(*) from moved_favorites) as favorites""");
    private static final Statement LOCK_TIMEOUT = Statement.write("archive.lockTimeout",
            "select set_config('lock_timeout', $1, true)");
    /** Starts a run, or resumes the one that was interrupted (its cutoff and position). */
    private static final Statement START = Statement.write("archive.start", """
            update archive_state set cutoff = coalesce(cutoff, $1), next_id = coalesce(next_id, 0)
            returning cutoff, next_id, (select coalesce(max(id), 0) from articles) as last_id""");
    private static final Statement PROGRESS = Statement.write("archive.progress",
            "update archive_state set next_id = $1");
    private static final Statement FINISH = Statement.write("archive.finish",
            "update archive_state set cutoff = null, next_id = null, last_success_at = now() returning last_success_at");
    private static final Statement LAST_SUCCESS = Statement.read("archive.lastSuccess",
            "select last_success_at from archive_state");
    private static final Statement TRY_LOCK = Statement.write("archive.tryLock",
            "select pg_try_advisory_lock(hashtext('ballast.archive'))");
    private static final Statement UNLOCK = Statement.write("archive.unlock",
            "select pg_advisory_unlock(hashtext('ballast.archive'))");

    /** What one batch moved, and the id after which the next batch starts. */
    record Batch(long articles, long comments, long tags, long favorites, long nextId) {
    }

    /** A run's cutoff and where it starts; it ends after {@code lastId}. */
    record Run(OffsetDateTime cutoff, long nextId, long lastId) {
    }

    private final Database db;

    ArchiveRepository(Database db) {
        this.db = db;
    }

    /** When a run last succeeded, on any replica; null if none ever has. */
    Uni<OffsetDateTime> lastSuccess() {
        return db.execute(LAST_SUCCESS, Tuple.tuple()).map(rows -> rows.iterator().next().getOffsetDateTime(0));
    }

    Uni<Boolean> tryLock(SqlConnection connection) {
        return db.execute(connection, TRY_LOCK, Tuple.tuple()).map(rows -> rows.iterator().next().getBoolean(0));
    }

    Uni<Void> unlock(SqlConnection connection) {
        return db.execute(connection, UNLOCK, Tuple.tuple()).replaceWithVoid();
    }

    Uni<Run> start(SqlConnection connection, OffsetDateTime cutoff) {
        return db.execute(connection, START, Tuple.of(cutoff)).map(rows -> {
            Row row = rows.iterator().next();
            return new Run(row.getOffsetDateTime("cutoff"), row.getLong("next_id"), row.getLong("last_id"));
        });
    }

    /**
     * One batch in its own short transaction: at most {@code size} articles among ids ({@code after},
     * {@code after + window}], with their rows, and the position saved with them (a run interrupted after
     * this commit resumes after it). Waits at most {@code lockTimeout} for a lock, then fails.
     */
    Uni<Batch> moveBatch(SqlConnection connection, Run run, long after, int size, int window, String lockTimeout) {
        long windowEnd = after + window;
        return connection.begin().chain(tx -> db.execute(connection, LOCK_TIMEOUT, Tuple.of(lockTimeout))
                .chain(() -> db.execute(connection, MOVE, Tuple.of(run.cutoff(), after, windowEnd, size)))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    long articles = row.getLong("articles");
                    // A full batch may have left more in the window: continue after its last article.
                    long nextId = articles == size ? row.getLong("last_id") : windowEnd;
                    return new Batch(articles, row.getLong("comments"), row.getLong("tags"), row.getLong("favorites"), nextId);
                })
                .call(batch -> db.execute(connection, PROGRESS, Tuple.of(batch.nextId())))
                .call(tx::commit)
                .onFailure().call(tx::rollback));
    }

    Uni<OffsetDateTime> finish(SqlConnection connection) {
        return db.execute(connection, FINISH, Tuple.tuple())
                .map(rows -> rows.iterator().next().getOffsetDateTime("last_success_at"));
    }
}

package dev.ballast.archive;

/**
 * The parts of a write's statement that reach into the archive tables (V13), so that a write to an article
 * that may be archived stays one statement. Each is a list of common table expressions for the write's own
 * {@code with}, with fixed names; the write's statement defines the CTEs each one reads.
 *
 * <p>All parts of one statement see the database as it was when the statement began: an article restored
 * by {@link #RESTORE} is not visible to the statement's other parts. A write to an archived article
 * therefore gives the restore the article as the write leaves it (its new fields or count), and does not
 * touch the live row itself; its answer is built from what the statement saw and changed.
 */
public final class ArchiveSql {

    /**
     * The article of slug {@code $1} as the statement sees it: live ({@code archived} false) or archived, at
     * most one of the two. CTE {@code target}.
     */
    public static final String TARGET = """
            target as (
                select id, slug, title, description, body, author_id, favorites_count, created_at, updated_at, false as archived
                from articles where slug = $1
                union all
                select id, slug, title, description, body, author_id, favorites_count, created_at, updated_at, true
                from archived_articles where slug = $1)""";

    /**
     * {@link #TARGET} with the live article's row locked first ({@code for no key update}), for the writes that change
     * that row (its favorites count): such a write takes the article before any of its favorites, so two of them
     * never hold a favorite each and wait for the other's article (a deadlock, which Postgres breaks only after
     * {@code deadlock_timeout}, holding up every write of the article meanwhile). A write that waited for the lock sees
     * the article as the write before it left it.
     */
    public static final String LOCKED_TARGET = """
            target as (
                select id, slug, title, description, body, author_id, favorites_count, created_at, updated_at, false as archived
                from (select * from articles where slug = $1 for no key update) live
                union all
                select id, slug, title, description, body, author_id, favorites_count, created_at, updated_at, true
                from archived_articles where slug = $1)""";

    /**
     * Brings back from the archive the article described by the CTE {@code restoring} (none when it is empty):
     * {@code restoring} has the article's columns as the write leaves them (id, slug, title, description,
     * body, author_id, favorites_count, created_at, updated_at) and two rows to drop on the way instead of
     * restoring them ({@code dropped_favorite_of}: the user whose favorite the write removes;
     * {@code dropped_comment}: the comment it deletes; each null for none). The article is marked as restored
     * now, which counts as activity. CTE {@code unarchived} holds its id when this statement took it out of
     * the archive; empty while {@code restoring} is not means another statement restored it first (the write
     * must then be tried again: the article is live by now).
     *
     * <p>The restore itself is the function {@code restore_archived_article} (V17), called only for a row of
     * {@code restoring}: a write to a live article runs none of it. Its rows become visible to the checks that
     * follow the statement (foreign keys, counters), as the statement's own would.
     */
    public static final String RESTORE = """
            unarchived as (
                select id from restoring r
                where restore_archived_article(r.id, r.slug, r.title, r.description, r.body, r.author_id, r.favorites_count,
                                               r.created_at, r.updated_at, r.dropped_favorite_of, r.dropped_comment))""";

    /**
     * Deletes from the archive the article whose id is in the CTE {@code deleting}, with its tags, favorites
     * and comments (the archive tables have no cascading keys). CTE {@code archived_deleted} holds its id when
     * this statement deleted it. No counter changes: archived rows are not counted.
     */
    public static final String DELETE = """
            archived_deleted as (delete from archived_articles where id in (select id from deleting) returning id),
            archived_deleted_tags as (delete from archived_article_tags where article_id in (select id from archived_deleted)),
            archived_deleted_favorites as (delete from archived_favorites where article_id in (select id from archived_deleted)),
            archived_deleted_comments as (delete from archived_comments where article_id in (select id from archived_deleted))""";

    private ArchiveSql() {
    }
}

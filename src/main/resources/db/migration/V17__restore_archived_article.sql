-- Bringing an article back from the archive, as a function that a write's statement calls only when its article
-- is archived (dev.ballast.archive.ArchiveSql.RESTORE). Written as common table expressions of every write, the
-- restore's eight data-modifying parts ran on every favorite, comment and update, live articles included: each
-- part opens its table and all its indexes, and each insert fires its table's statement-level counter trigger
-- (V16) even when it inserts nothing. That doubled the database's CPU per write; a function body runs only for
-- the rows it is called for.
--
-- It takes the article as the write leaves it and the one favorite or comment the write removes (null: none),
-- and returns false when the article was no longer archived: another statement restored it first (its delete
-- waits for that statement, then finds nothing). The counter triggers see the rows come back.
create function restore_archived_article(
    article_id bigint, slug text, title text, description text, body text, author_id bigint, favorites_count integer,
    created_at timestamptz, updated_at timestamptz, dropped_favorite_of bigint, dropped_comment bigint)
    returns boolean language plpgsql as $$
begin
    delete from archived_articles a where a.id = restore_archived_article.article_id;
    if not found then
        return false;
    end if;
    insert into articles (id, slug, title, description, body, author_id, favorites_count, created_at, updated_at,
                          restored_at) overriding system value
    values (restore_archived_article.article_id, restore_archived_article.slug, restore_archived_article.title,
            restore_archived_article.description, restore_archived_article.body, restore_archived_article.author_id,
            restore_archived_article.favorites_count, restore_archived_article.created_at,
            restore_archived_article.updated_at, now());
    with its_tags as (
        delete from archived_article_tags t where t.article_id = restore_archived_article.article_id returning t.*)
    insert into article_tags select * from its_tags;
    with its_favorites as (
        delete from archived_favorites f where f.article_id = restore_archived_article.article_id returning f.*)
    insert into favorites select * from its_favorites f where f.user_id is distinct from dropped_favorite_of;
    with its_comments as (
        delete from archived_comments c where c.article_id = restore_archived_article.article_id returning c.*)
    insert into comments overriding system value select * from its_comments c where c.id is distinct from dropped_comment;
    return true;
end $$;

-- The archive (V13) behind one seam. Reads that must also find archived rows read these views, each its live
-- table and its archive table as one; a plain "union all" of the same columns, so that Postgres pushes a
-- reader's "where slug = $1" or "article_id = $1" into both tables and each reads its own index. Writes act
-- on the live tables only: a write that finds its article archived has it restored first (by the function
-- below, dev.ballast.archive.ArchivedArticles), then runs as on any live article.
set local lock_timeout = '5s';

create view all_articles as
    select * from articles
    union all
    select * from archived_articles;

create view all_article_tags as
    select * from article_tags
    union all
    select * from archived_article_tags;

create view all_favorites as
    select * from favorites
    union all
    select * from archived_favorites;

create view all_comments as
    select * from comments
    union all
    select * from archived_comments;

-- Brings the archived article of the slug back with its tags, favorites and comments, marked as restored now
-- (which counts as activity). False when it is not archived: unknown, or another statement restored it first
-- (this delete waits for that statement, then finds nothing). The counter triggers (V16) see the rows come back.
-- V17's form of eleven arguments stays while replicas of earlier versions may call it during a rolling update;
-- a later migration drops it.
create function restore_archived_article(slug text) returns boolean language plpgsql as $$
declare
    article archived_articles;
begin
    delete from archived_articles a where a.slug = restore_archived_article.slug returning * into article;
    if not found then
        return false;
    end if;
    article.restored_at := now();
    insert into articles overriding system value select (article).*;
    with its_tags as (delete from archived_article_tags t where t.article_id = article.id returning t.*)
    insert into article_tags select * from its_tags;
    with its_favorites as (delete from archived_favorites f where f.article_id = article.id returning f.*)
    insert into favorites select * from its_favorites;
    with its_comments as (delete from archived_comments c where c.article_id = article.id returning c.*)
    insert into comments overriding system value select * from its_comments;
    return true;
end $$;

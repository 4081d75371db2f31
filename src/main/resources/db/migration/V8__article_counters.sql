-- Exact counts for every list filter, kept in the same transaction as the write that changes them, so a
-- list page reads one counter instead of counting rows (docs/at-size.md). Introduced online:
--  * lock_timeout: each ALTER below needs a brief ACCESS EXCLUSIVE lock; rather than queue behind a long
--    query (and make every later query queue behind us), give up after 5 s and let the deploy be retried.
--  * columns with a constant default are metadata-only (no table rewrite) since Postgres 11.
--  * the counters start at 0 and the triggers keep deltas from now on; V9 backfills the true values in
--    batches, V10/V11 make the denormalized columns NOT NULL without a long lock, V12 builds indexes
--    concurrently.
--
-- Why triggers rather than explicit statements: every writer (the API, the archive job moving rows out and
-- back, cascading deletes, an operator's SQL) keeps the counters right without having to remember to.
set local lock_timeout = '5s';

-- The number of live (not archived) articles: one row. No check that it stays >= 0: until V9 has set its
-- true value, deletes take it below zero, and must not fail for that.
create table article_totals (
    singleton  boolean primary key default true check (singleton),
    live_count bigint  not null
);
insert into article_totals (live_count) values (0);

-- Live articles per author and per tag; articles a user has favorited.
alter table users add column articles_count bigint not null default 0,
                  add column favorites_count bigint not null default 0;
alter table tags add column articles_count bigint not null default 0;

-- The article's creation time copied next to the tag and favorite links, so that "by tag" and "favorited
-- by" pages are read in list order from one index (tag_id, article_created_at, article_id) without visiting
-- the articles. created_at never changes, so the copy cannot go stale.
alter table article_tags add column article_created_at timestamptz;
alter table favorites add column article_created_at timestamptz;

create function copy_article_created_at() returns trigger language plpgsql as $$
begin
    if new.article_created_at is null then
        new.article_created_at := (select created_at from articles where id = new.article_id);
    end if;
    return new;
end $$;

create trigger article_tags_created_at before insert on article_tags
    for each row execute function copy_article_created_at();
create trigger favorites_created_at before insert on favorites
    for each row execute function copy_article_created_at();

-- Authors' counts and the total change at commit (a deferred trigger): these rows are then always the last
-- locked in a transaction, so creating and deleting articles concurrently cannot deadlock on them with the
-- tag and favorite counters, which are updated during the statements.
create function count_article() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        update users set articles_count = articles_count + 1 where id = new.author_id;
        update article_totals set live_count = live_count + 1;
    else
        update users set articles_count = articles_count - 1 where id = old.author_id;
        update article_totals set live_count = live_count - 1;
    end if;
    return null;
end $$;

create constraint trigger articles_counted after insert or delete on articles
    deferrable initially deferred for each row execute function count_article();

-- Per statement, one update per tag (or user) in id order: two transactions touching the same rows lock them
-- in the same order.
create function count_article_tags() returns trigger language plpgsql as $$
declare
    sign integer := case tg_op when 'INSERT' then 1 else -1 end;
    changed record;
begin
    for changed in select tag_id, count(*) as n from changed_rows group by tag_id order by tag_id loop
        update tags set articles_count = articles_count + sign * changed.n where id = changed.tag_id;
    end loop;
    return null;
end $$;

create trigger article_tags_added after insert on article_tags
    referencing new table as changed_rows for each statement execute function count_article_tags();
create trigger article_tags_removed after delete on article_tags
    referencing old table as changed_rows for each statement execute function count_article_tags();

create function count_favorites() returns trigger language plpgsql as $$
declare
    sign integer := case tg_op when 'INSERT' then 1 else -1 end;
    changed record;
begin
    for changed in select user_id, count(*) as n from changed_rows group by user_id order by user_id loop
        update users set favorites_count = favorites_count + sign * changed.n where id = changed.user_id;
    end loop;
    return null;
end $$;

create trigger favorites_added after insert on favorites
    referencing new table as changed_rows for each statement execute function count_favorites();
create trigger favorites_removed after delete on favorites
    referencing old table as changed_rows for each statement execute function count_favorites();

-- Backfills V8's columns on an existing database in short batches, each its own transaction (this script
-- runs outside a transaction: V9__backfill_counters.sql.conf), so writers are never held for long.
-- Idempotent: after a failure (lock_timeout), `flyway repair` and run it again.
set lock_timeout = '2s';

-- The copied creation times: rows inserted from now on get theirs from the V8 trigger.
do $$
declare
    batch constant bigint := 10000;
    next_id bigint := 0;
    top bigint;
begin
    select coalesce(max(id), 0) into top from articles;
    while next_id <= top loop
        update article_tags at set article_created_at = a.created_at from articles a
        where a.id = at.article_id and at.article_id >= next_id and at.article_id < next_id + batch
          and at.article_created_at is null;
        update favorites f set article_created_at = a.created_at from articles a
        where a.id = f.article_id and f.article_id >= next_id and f.article_id < next_id + batch
          and f.article_created_at is null;
        commit;
        next_id := next_id + batch;
    end loop;
end $$;

-- The counters. Each batch holds a SHARE lock on the counted tables for its few milliseconds: writers in
-- flight finish first and new ones wait, so the count it sets is exact; the triggers keep it exact after.
do $$
declare
    batch constant bigint := 5000;
    next_id bigint := 0;
    top bigint;
begin
    -- One counted table locked at a time (locking two at once deadlocked with writers holding the second).
    select coalesce(max(id), 0) into top from users;
    while next_id <= top loop
        lock table articles in share mode;
        update users u set articles_count = (select count(*) from articles a where a.author_id = u.id)
        where u.id >= next_id and u.id < next_id + batch;
        commit;
        lock table favorites in share mode;
        update users u set favorites_count = (select count(*) from favorites f where f.user_id = u.id)
        where u.id >= next_id and u.id < next_id + batch;
        commit;
        next_id := next_id + batch;
    end loop;

    next_id := 0;
    select coalesce(max(id), 0) into top from tags;
    while next_id <= top loop
        lock table article_tags in share mode;
        update tags t set articles_count = (select count(*) from article_tags at where at.tag_id = t.id)
        where t.id >= next_id and t.id < next_id + batch;
        commit;
        next_id := next_id + batch;
    end loop;

    lock table articles in share mode;
    update article_totals set live_count = (select count(*) from articles);
    commit;
end $$;

-- The counters kept on users (articles per author, favorites per user) and the total of live articles (V8),
-- kept per statement instead of per row, and applied once per transaction. V8 updated the author's row and
-- the total once per article: a transaction adding n articles updated the same two rows n times, and each
-- update of a row the transaction already updated walks all its earlier versions, so the work grew as n²
-- (a bulk import, a bulk restore from the archive).
--
-- Now each statement sums its changes per user from its transition table and notes them, one row per user,
-- in user_counter_changes; at commit one deferred trigger applies all of the transaction's notes at once:
-- each user's row updated once, in user id order, then the total once. Lock order in every transaction:
-- tags during its statements (V8, in id order), then at commit users in id order, then the total. The
-- favorites per user are applied at commit too (V8 updated them during the statement): otherwise a
-- transaction that deletes an article would lock its favoriters' rows, then its author's at commit, and
-- another doing the same with the roles swapped would wait for it in the opposite order.
--
-- Online: the triggers are replaced in this one transaction (no write is counted twice or missed); the
-- locks it needs on articles and favorites are brief, and waiting longer than lock_timeout for them fails
-- the migration rather than queueing every writer behind it.
set local lock_timeout = '5s';

-- Rows live only inside the transaction that notes them (applied and deleted at its commit), so they need no
-- WAL: unlogged (a crash aborts those transactions anyway). Keyed by transaction first, so that a commit
-- finds its own notes without reading others'.
create unlogged table user_counter_changes (
    xact      xid8   not null default pg_current_xact_id(),
    id        bigint generated always as identity,
    user_id   bigint not null,
    articles  bigint not null default 0,
    favorites bigint not null default 0,
    primary key (xact, id)
);

create function note_articles() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into user_counter_changes (user_id, articles) select author_id, count(*) from added group by author_id;
    else
        insert into user_counter_changes (user_id, articles) select author_id, -count(*) from removed group by author_id;
    end if;
    return null;
end $$;

-- A change of author (only an operator's SQL does that): one note for each side, as cheap as an insert;
-- the WHEN clause of its trigger keeps every other update of articles free of any trigger call.
create function note_article_author_change() returns trigger language plpgsql as $$
begin
    insert into user_counter_changes (user_id, articles) values (old.author_id, -1), (new.author_id, 1);
    return null;
end $$;

create function note_favorites() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into user_counter_changes (user_id, favorites) select user_id, count(*) from added group by user_id;
    else
        insert into user_counter_changes (user_id, favorites) select user_id, -count(*) from removed group by user_id;
    end if;
    return null;
end $$;

-- Fires at commit once per note; the first firing applies all of the transaction's notes and deletes them,
-- the later ones find their note gone and return at once.
create function apply_user_counter_changes() returns trigger language plpgsql as $$
declare
    users_changed bigint[];
    articles_changed bigint[];
    favorites_changed bigint[];
    total bigint;
begin
    if not exists (select 1 from user_counter_changes where xact = new.xact and id = new.id) then
        return null;
    end if;
    with applied as (delete from user_counter_changes where xact = new.xact returning *),
    per_user as (select user_id, sum(articles) as articles, sum(favorites) as favorites from applied
                 group by user_id having sum(articles) <> 0 or sum(favorites) <> 0)
    select array_agg(user_id order by user_id), array_agg(articles order by user_id),
           array_agg(favorites order by user_id), sum(articles)
    into users_changed, articles_changed, favorites_changed, total from per_user;
    if users_changed is null then
        return null;
    end if;
    -- Locked in id order first: the update below may visit its rows in any order.
    perform 1 from users where id = any (users_changed) order by id for no key update;
    update users u set articles_count = u.articles_count + c.articles, favorites_count = u.favorites_count + c.favorites
    from unnest(users_changed, articles_changed, favorites_changed) as c (user_id, articles, favorites)
    where u.id = c.user_id;
    if total <> 0 then
        update article_totals set live_count = live_count + total;
    end if;
    return null;
end $$;

create constraint trigger user_counter_changes_applied after insert on user_counter_changes
    deferrable initially deferred for each row execute function apply_user_counter_changes();

drop trigger articles_counted on articles;
drop function count_article();
drop trigger favorites_added on favorites;
drop trigger favorites_removed on favorites;
drop function count_favorites();

create trigger articles_added after insert on articles
    referencing new table as added for each statement execute function note_articles();
create trigger articles_removed after delete on articles
    referencing old table as removed for each statement execute function note_articles();
create trigger articles_author_changed after update of author_id on articles
    for each row when (old.author_id is distinct from new.author_id) execute function note_article_author_change();

create trigger favorites_added after insert on favorites
    referencing new table as added for each statement execute function note_favorites();
create trigger favorites_removed after delete on favorites
    referencing old table as removed for each statement execute function note_favorites();

-- The per-author and total article counters (V8) kept per statement instead of per row. V8 updated the
-- author's row and the total once per article at commit: a transaction adding n articles updated the same
-- two rows n times, and each update of a row the transaction already updated walks all its earlier
-- versions, so the work grew as n² (a bulk import, a bulk restore from the archive).
--
-- Now each statement's changes are summed per author from its transition table and noted, one row per
-- author, in article_count_changes; at commit one deferred trigger applies the transaction's notes at once:
-- each author's row updated once, in author id order, then the total once. The counters are still the
-- last rows a transaction locks (as with V8), and two transactions lock the authors they share in the same
-- order, so concurrent writers cannot deadlock on them.
--
-- Online: the triggers are replaced in this one transaction (no write is counted twice or missed); the
-- lock it needs on articles is brief, and waiting longer than lock_timeout for it fails the migration
-- rather than queueing every writer behind it.
set local lock_timeout = '5s';

-- Rows live only inside the transaction that notes them (applied and deleted at its commit), so they need no
-- WAL: unlogged. Keyed by transaction first, so that a commit finds its own notes without reading others'.
create unlogged table article_count_changes (
    xact      xid8   not null default pg_current_xact_id(),
    id        bigint generated always as identity,
    author_id bigint not null,
    delta     bigint not null,
    primary key (xact, id)
);

create function note_article_count_changes() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into article_count_changes (author_id, delta)
        select author_id, count(*) from added group by author_id;
    else
        insert into article_count_changes (author_id, delta)
        select author_id, -count(*) from removed group by author_id;
    end if;
    return null;
end $$;

-- A change of author (only an operator's SQL does that): one note for each side, as cheap as an insert;
-- the WHEN clause keeps every other update of articles free of any trigger call.
create function note_article_author_change() returns trigger language plpgsql as $$
begin
    insert into article_count_changes (author_id, delta) values (old.author_id, -1), (new.author_id, 1);
    return null;
end $$;

-- Fires at commit once per note; the first firing applies all of the transaction's notes and deletes them,
-- the later ones find their note gone and return at once.
create function apply_article_count_changes() returns trigger language plpgsql as $$
declare
    authors bigint[];
    deltas bigint[];
    total bigint;
begin
    if not exists (select 1 from article_count_changes where xact = new.xact and id = new.id) then
        return null;
    end if;
    with applied as (delete from article_count_changes where xact = new.xact returning author_id, delta),
    per_author as (select author_id, sum(delta) as delta from applied group by author_id having sum(delta) <> 0)
    select array_agg(author_id order by author_id), array_agg(delta order by author_id), sum(delta)
    into authors, deltas, total from per_author;
    if authors is null then
        return null;
    end if;
    -- Locked in id order first: the update below may visit its rows in any order.
    perform 1 from users where id = any (authors) order by id for no key update;
    update users u set articles_count = u.articles_count + c.delta
    from unnest(authors, deltas) as c (author_id, delta) where u.id = c.author_id;
    if total <> 0 then
        update article_totals set live_count = live_count + total;
    end if;
    return null;
end $$;

create constraint trigger article_count_changes_applied after insert on article_count_changes
    deferrable initially deferred for each row execute function apply_article_count_changes();

drop trigger articles_counted on articles;
drop function count_article();

create trigger articles_added after insert on articles
    referencing new table as added for each statement execute function note_article_count_changes();
create trigger articles_removed after delete on articles
    referencing old table as removed for each statement execute function note_article_count_changes();
create trigger articles_author_changed after update of author_id on articles
    for each row when (old.author_id is distinct from new.author_id) execute function note_article_author_change();

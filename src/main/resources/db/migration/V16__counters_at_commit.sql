-- The counters of V8 (articles per author and per tag, favorites per user, live articles in total) kept
-- per statement and applied once per transaction, at its commit. V8 updated the author's row and the total
-- once per article: a transaction adding n articles updated the same two rows n times, and each update of a
-- row the transaction already updated walks all its earlier versions, so the work grew as n² (a bulk import,
-- a bulk restore from the archive).
--
-- Now each statement sums its changes per counter row from its transition table and notes them, one row per
-- counter row, in counter_changes; at commit one deferred trigger applies all of the transaction's notes at
-- once, each counter row updated once, in one fixed order: tags by id, then users by id, then the total.
-- Every transaction locks counter rows in that order, whatever its statements, so concurrent writers cannot
-- deadlock on them. (V8 locked tags and favoriters during each statement and authors at commit: a
-- transaction deleting an article locked its favoriters, then its author, and one with the roles swapped
-- waited for it in the opposite order; two statements' tags likewise.)
--
-- Online: the triggers are replaced in this one transaction (no write is counted twice or missed); the
-- locks it needs on articles, article_tags and favorites are brief, and waiting longer than lock_timeout for
-- them fails the migration rather than queueing every writer behind it.
set local lock_timeout = '5s';

-- Rows live only inside the transaction that notes them (applied and deleted at its commit), so they need no
-- WAL: unlogged (a crash aborts those transactions anyway). Keyed by transaction first, so that a commit
-- finds its own notes without reading others'. A note is for one tag or one user.
create unlogged table counter_changes (
    xact      xid8   not null default pg_current_xact_id(),
    id        bigint generated always as identity,
    tag_id    bigint,
    user_id   bigint,
    articles  bigint not null default 0,
    favorites bigint not null default 0,
    primary key (xact, id),
    check (num_nonnulls(tag_id, user_id) = 1)
);

create function note_articles() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into counter_changes (user_id, articles) select author_id, count(*) from added group by author_id;
    else
        insert into counter_changes (user_id, articles) select author_id, -count(*) from removed group by author_id;
    end if;
    return null;
end $$;

-- A change of author (only an operator's SQL does that): one note for each side, as cheap as an insert;
-- the WHEN clause of its trigger keeps every other update of articles free of any trigger call.
create function note_article_author_change() returns trigger language plpgsql as $$
begin
    insert into counter_changes (user_id, articles) values (old.author_id, -1), (new.author_id, 1);
    return null;
end $$;

create function note_article_tags() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into counter_changes (tag_id, articles) select tag_id, count(*) from added group by tag_id;
    else
        insert into counter_changes (tag_id, articles) select tag_id, -count(*) from removed group by tag_id;
    end if;
    return null;
end $$;

create function note_favorites() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into counter_changes (user_id, favorites) select user_id, count(*) from added group by user_id;
    else
        insert into counter_changes (user_id, favorites) select user_id, -count(*) from removed group by user_id;
    end if;
    return null;
end $$;

-- Fires at commit once per note; the first firing applies all of the transaction's notes and deletes them,
-- the later ones find their note gone and return at once.
create function apply_counter_changes() returns trigger language plpgsql as $$
declare
    tags_changed bigint[];
    tag_articles bigint[];
    users_changed bigint[];
    user_articles bigint[];
    user_favorites bigint[];
    total bigint;
begin
    if not exists (select 1 from counter_changes where xact = new.xact and id = new.id) then
        return null;
    end if;
    with applied as (delete from counter_changes where xact = new.xact returning *),
    per_tag as (select tag_id, sum(articles) as articles from applied where tag_id is not null
                group by tag_id having sum(articles) <> 0),
    per_user as (select user_id, sum(articles) as articles, sum(favorites) as favorites from applied
                 where user_id is not null group by user_id having sum(articles) <> 0 or sum(favorites) <> 0)
    select (select array_agg(tag_id order by tag_id) from per_tag), (select array_agg(articles order by tag_id) from per_tag),
           (select array_agg(user_id order by user_id) from per_user), (select array_agg(articles order by user_id) from per_user),
           (select array_agg(favorites order by user_id) from per_user), (select sum(articles) from per_user)
    into tags_changed, tag_articles, users_changed, user_articles, user_favorites, total;
    -- Each set locked in id order first: an update may visit its rows in any order.
    if tags_changed is not null then
        perform 1 from tags where id = any (tags_changed) order by id for no key update;
        update tags t set articles_count = t.articles_count + c.articles
        from unnest(tags_changed, tag_articles) as c (tag_id, articles) where t.id = c.tag_id;
    end if;
    if users_changed is not null then
        perform 1 from users where id = any (users_changed) order by id for no key update;
        update users u set articles_count = u.articles_count + c.articles, favorites_count = u.favorites_count + c.favorites
        from unnest(users_changed, user_articles, user_favorites) as c (user_id, articles, favorites)
        where u.id = c.user_id;
    end if;
    if total <> 0 then
        update article_totals set live_count = live_count + total;
    end if;
    return null;
end $$;

create constraint trigger counter_changes_applied after insert on counter_changes
    deferrable initially deferred for each row execute function apply_counter_changes();

drop trigger articles_counted on articles;
drop function count_article();
drop trigger article_tags_added on article_tags;
drop trigger article_tags_removed on article_tags;
drop function count_article_tags();
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

create trigger article_tags_added after insert on article_tags
    referencing new table as added for each statement execute function note_article_tags();
create trigger article_tags_removed after delete on article_tags
    referencing old table as removed for each statement execute function note_article_tags();

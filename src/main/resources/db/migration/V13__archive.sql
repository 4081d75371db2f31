-- Archive tables: articles with no activity for ARCHIVE_AFTER_DAYS move here with their tags, favorites and
-- comments (dev.ballast.archive.ArchiveJob), out of the tables and indexes every list reads. Each has the
-- columns of its live table (LIKE), so rows move with "insert ... select *" both ways. New tables: no lock
-- on live tables except the brief ones below.
set local lock_timeout = '5s';

-- When an article was last brought back from the archive: counts as activity, so that a write that restored
-- it is not undone by the next run.
alter table articles add column restored_at timestamptz;

create table archived_articles (like articles including defaults including constraints);
alter table archived_articles add primary key (id), add constraint archived_articles_slug_key unique (slug);

create table archived_article_tags (like article_tags including defaults including constraints);
alter table archived_article_tags add primary key (article_id, tag_id);

create table archived_favorites (like favorites including defaults including constraints);
alter table archived_favorites add primary key (article_id, user_id);

create table archived_comments (like comments including defaults including constraints);
alter table archived_comments add primary key (id);
create index archived_comments_article_created_idx on archived_comments (article_id, created_at desc, id desc);

-- The run in progress (its cutoff and how far it got, so an interrupted run resumes there) and the last
-- successful one.
create table archive_state (
    singleton       boolean primary key default true check (singleton),
    cutoff          timestamptz,
    next_id         bigint,
    last_success_at timestamptz
);
insert into archive_state default values;

-- A slug stays unique across live and archived articles: an archived article can always come back. A new
-- article checks the archive in its insert (ArticleRepository); a new title checks it here, failing the way a
-- live duplicate does, so the next candidate slug is tried.
create function slug_not_archived() returns trigger language plpgsql as $$
begin
    if exists (select 1 from archived_articles where slug = new.slug) then
        raise unique_violation using message = 'slug ' || new.slug || ' is taken by an archived article',
                                      constraint = 'articles_slug_key';
    end if;
    return new;
end $$;

create trigger articles_slug_not_archived before update of slug on articles
    for each row when (old.slug is distinct from new.slug) execute function slug_not_archived();

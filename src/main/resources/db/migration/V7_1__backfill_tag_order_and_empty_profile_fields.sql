-- Backfills, in batches of 1,000 each committed on its own (V7_1__...sql.conf: executeInTransaction=false), so
-- that no lock is held on many rows for long while the service keeps serving. Safe to run again after a failure
-- (flyway repair, then migrate): each batch only takes rows not done yet.
set lock_timeout = '5s';

-- 1. Tag positions of existing articles: the order readers saw until now (tag names in alphabetical order).
do $$
declare
    updated integer;
begin
    loop
        with batch as (
            select distinct article_id from article_tags where position is null limit 1000
        ), numbered as (
            select at.article_id, at.tag_id, row_number() over (partition by at.article_id order by t.name) - 1 as position
            from article_tags at join tags t on t.id = at.tag_id
            where at.article_id in (select article_id from batch)
        )
        update article_tags at set position = numbered.position
        from numbered
        where at.article_id = numbered.article_id and at.tag_id = numbered.tag_id;
        get diagnostics updated = row_count;
        exit when updated = 0;
        commit;
    end loop;
end $$;

-- 2. An empty (or blank) bio or image is no bio or image: stored as null, as the service now stores them.
do $$
declare
    updated integer;
begin
    loop
        update users set bio = case when bio ~ '^\s*$' then null else bio end,
                         image = case when image ~ '^\s*$' then null else image end
        where id in (select id from users where bio ~ '^\s*$' or image ~ '^\s*$' limit 1000);
        get diagnostics updated = row_count;
        exit when updated = 0;
        commit;
    end loop;
end $$;

reset lock_timeout;

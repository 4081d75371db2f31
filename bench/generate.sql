-- Builds a large data set with realistic skew in a database the service has migrated, straight in SQL
-- (generate_series; no API calls). Placeholders {{users}}, {{articles}}, {{comments}}, {{favorites}},
-- {{days}} are replaced by bench/generate.sh (and by the plan test, at a smaller size). Adds to what is
-- there: users that exist before it runs (for example the bench users of seed.py) follow some of the new
-- popular authors and favorite some new articles, so signed-in benchmark pages have feeds at size.
--
-- Skew: author, tag, commented article, favorited article and followed author are drawn as
-- floor(n * random()^k), so the first few are far more popular than the rest (k = 3 gives the top 1% of
-- authors about a fifth of the articles). 1% of the new users follow 500 to 5,000 authors, the rest 0 to 30.
-- Tags that exist before it runs come first, so they are the most popular (seed.py's tag0..tag29).
--
-- Triggers are off while it inserts (session_replication_role = replica: the counter triggers of V8 and
-- the foreign-key checks; the data is consistent by construction), then every counter is recomputed.
set session_replication_role = replica;
set maintenance_work_mem = '256MB';
do $$ begin perform setseed(0.42); end $$;

create temp table gen_params as select {{users}}::bigint as users, {{articles}}::bigint as articles,
       {{comments}}::bigint as comments, {{favorites}}::bigint as favorites, {{days}}::int as days,
       (select coalesce(max(id), 0) from users) as users_before,
       (select coalesce(max(id), 0) from articles) as articles_before;

insert into users (username, email, password_hash, bio, created_at)
select 'gen_u' || g, 'gen_u' || g || '@example.com',
       -- no password logs in to a generated user
       '$2a$10$generatedgeneratedgeneratedgeneratedgeneratedgenerat', 'Generated user ' || g,
       now() - (p.days * random()) * interval '1 day'
from gen_params p, generate_series(1, p.users) g;

do $$
begin
    if (select max(id) - min(id) + 1 <> count(*) from users where id > (select users_before from gen_params)) then
        raise exception 'new user ids are not consecutive (another writer?): run the generator alone';
    end if;
end $$;

insert into tags (name) select 'gen_t' || g from generate_series(1, 1000) g on conflict do nothing;

-- New users and articles have consecutive ids (one insert each): the k-th is first_user + k. Random picks
-- are computed in a subquery's select list (once per row), then joined by id.
create temp table gen_ids as
select (select min(id) from users where id > p.users_before) as first_user,
       (select array_agg(id order by id) from tags) as tag_ids
from gen_params p;

insert into articles (slug, title, description, body, author_id, created_at, updated_at)
select 'gen-' || r.g, 'Generated article ' || r.g, 'What generated article ' || r.g || ' is about',
       repeat('Lorem ipsum dolor sit amet, consectetur adipiscing elit. ', 10 + (r.g % 10)::int),
       r.author_id, r.t, r.t
from (select g, i.first_user + floor(p.users * power(random(), 3))::bigint as author_id,
             now() - (p.days * random()) * interval '1 day' as t
      from gen_params p, gen_ids i, generate_series(1, p.articles) g) r;

do $$
begin
    if (select max(id) - min(id) + 1 <> count(*) from articles where id > (select articles_before from gen_params)) then
        raise exception 'new article ids are not consecutive (another writer?): run the generator alone';
    end if;
end $$;

alter table gen_ids add column first_article bigint;
update gen_ids set first_article = (select min(id) from articles where id > (select articles_before from gen_params));

-- One to three tags per article.
insert into article_tags (article_id, tag_id, article_created_at)
select distinct r.article_id, r.tag_id, a.created_at
from (select a.id as article_id,
             i.tag_ids[1 + floor(cardinality(i.tag_ids) * power(random(), 3))::int] as tag_id
      from gen_ids i, articles a, generate_series(1, 3) k
      where a.id >= i.first_article and k <= 1 + a.id % 3) r
     join articles a on a.id = r.article_id
on conflict do nothing;

-- Comments on popular articles mostly, written some time after the article.
insert into comments (article_id, author_id, body, created_at, updated_at)
select a.id, r.author_id, 'Generated comment ' || r.g || ': a remark about this article.', c.t, c.t
from (select g, i.first_article + floor(p.articles * power(random(), 2))::bigint as article_id,
             i.first_user + floor(p.users * random())::bigint as author_id, random() as share
      from gen_params p, gen_ids i, generate_series(1, p.comments) g) r
     join articles a on a.id = r.article_id,
     lateral (select a.created_at + (now() - a.created_at) * r.share * 0.2 as t) c;

insert into favorites (user_id, article_id, created_at, article_created_at)
select r.user_id, a.id, a.created_at + (now() - a.created_at) * r.share * 0.2, a.created_at
from (select i.first_user + floor(p.users * power(random(), 2))::bigint as user_id,
             i.first_article + floor(p.articles * power(random(), 2))::bigint as article_id, random() as share
      from gen_params p, gen_ids i, generate_series(1, p.favorites) g) r
     join articles a on a.id = r.article_id
on conflict do nothing;

-- Follows: most users follow a few authors, 1% follow 500 to 5,000; popular authors have most followers.
insert into follows (follower_id, followee_id)
select distinct r.follower_id, r.followee_id
from (select f.follower_id, i.first_user + floor(p.users * power(random(), 3))::bigint as followee_id
      from gen_params p, gen_ids i,
           (select i.first_user + n as follower_id,
                   case when n % 100 = 0 then 500 + (n * 7919) % 4500 else floor(power(random(), 2) * 31)::int end as follows
            from gen_ids i, gen_params p, generate_series(0, p.users - 1) n) f,
           generate_series(1, f.follows) k) r
where r.followee_id <> r.follower_id
on conflict do nothing;

-- The users that were there before: 50 popular authors followed and 100 articles favorited each.
insert into follows (follower_id, followee_id)
select distinct r.follower_id, r.followee_id
from (select b.id as follower_id, i.first_user + floor(p.users * power(random(), 3))::bigint as followee_id
      from gen_params p, gen_ids i, users b, generate_series(1, 50) k
      where b.id <= p.users_before) r
on conflict do nothing;

insert into favorites (user_id, article_id, created_at, article_created_at)
select distinct on (r.user_id, a.id) r.user_id, a.id, now(), a.created_at
from (select b.id as user_id, i.first_article + floor(p.articles * power(random(), 2))::bigint as article_id
      from gen_params p, gen_ids i, users b, generate_series(1, 100) k
      where b.id <= p.users_before) r
     join articles a on a.id = r.article_id
on conflict do nothing;

-- Every counter, recomputed from the rows.
update articles a set favorites_count = c.n
from (select article_id, count(*) as n from favorites group by article_id) c
where a.id = c.article_id and a.favorites_count <> c.n;

-- (users.favorites_count is not kept since V18: a user's favorites are counted when read.)
update users u set articles_count = c.articles
from (select u.id, (select count(*) from articles a where a.author_id = u.id) as articles from users u) c
where u.id = c.id and u.articles_count <> c.articles;

update tags t set articles_count = c.n
from (select t.id, (select count(*) from article_tags at where at.tag_id = t.id) as n from tags t) c
where t.id = c.id and t.articles_count <> c.n;

update article_totals set live_count = (select count(*) from articles);

drop table gen_params, gen_ids;
set session_replication_role = origin;

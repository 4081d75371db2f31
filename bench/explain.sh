#!/usr/bin/env bash
# EXPLAIN (ANALYZE, BUFFERS) and the latency of each hot statement, as the service sends them (the SQL of
# ArticleRepository, ArticleFilter, CommentRepository and TagRepository, with real values; PlanTest asserts
# the plans of the same statements, built by that code, in CI). Each statement runs 5 times first (warm
# cache, as in service), then once under EXPLAIN ANALYZE; the latency line is the best and median of 20
# timed runs (psql \timing, client round trip included).
# Usage: bench/explain.sh DATABASE VIEWER_USERNAME
set -euo pipefail
db=${1:?database} viewer=${2:?username of a signed-in reader}
psql_=(psql -h 127.0.0.1 -U postgres -d "$db" -qtA -v ON_ERROR_STOP=1)
q() { "${psql_[@]}" -c "$1"; }

viewer_id=$(q "select id from users where username = '$viewer'")
author=$(q "select username from users order by articles_count desc limit 1")
tag=$(q "select name from tags order by articles_count desc limit 1")
slug=$(q "select a.slug from articles a where a.id = (select article_id from comments group by article_id order by count(*) desc limit 1)")

view="select a.slug, a.title, a.description, null::text as body, a.created_at, a.updated_at, a.favorites_count,
       u.username, u.bio, u.image,
       array(select t.name from article_tags at join tags t on t.id = at.tag_id where at.article_id = a.id order by t.name) as tag_list,
       exists(select 1 from favorites f where f.article_id = a.id and f.user_id = $viewer_id) as favorited,
       exists(select 1 from follows fo where fo.follower_id = $viewer_id and fo.followee_id = a.author_id) as following
from articles a join users u on u.id = a.author_id"
page() { # ids-sql offset
  echo "with page as ($1 order by created_at desc, id desc limit 20 offset $2) $view join page p on p.id = a.id order by p.created_at desc, p.id desc"
}

declare -a names sqls
add() { names+=("$1"); sqls+=("$2"); }
add "list all (page)" "$(page "select a.id, a.created_at from articles a" 0)"
add "list all (count)" "select live_count from article_totals"
add "by tag '$tag' (page)" "$(page "select at.article_id as id, at.article_created_at as created_at from article_tags at where at.tag_id = (select id from tags where name = '$tag')" 0)"
add "by tag (count)" "select coalesce((select articles_count from tags where name = '$tag'), 0)"
add "by author $author (page)" "$(page "select a.id, a.created_at from articles a where a.author_id = (select id from users where username = '$author')" 0)"
add "by author (count)" "select coalesce((select articles_count from users where username = '$author'), 0)"
add "favorited by $viewer (page)" "$(page "select f.article_id as id, f.article_created_at as created_at from favorites f where f.user_id = (select id from users where username = '$viewer')" 0)"
add "favorited by (count)" "select count(*) from favorites f where f.user_id = (select id from users where username = '$viewer')"
add "feed of $viewer (page)" "$(page "select a.id, a.created_at from follows fo cross join lateral (select a.id, a.created_at from articles a where a.author_id = fo.followee_id order by a.created_at desc, a.id desc limit 20 + 0) a where fo.follower_id = $viewer_id" 0)"
add "feed (count)" "select coalesce(sum((select u.articles_count from users u where u.id = fo.followee_id)), 0) from follows fo where fo.follower_id = $viewer_id"
add "deep page, offset 90000 (page)" "$(page "select a.id, a.created_at from articles a" 90000)"
add "deep page by tag '$tag', offset 90000 (page)" "$(page "select at.article_id as id, at.article_created_at as created_at from article_tags at where at.tag_id = (select id from tags where name = '$tag')" 90000)"
add "one article $slug" "${view/null::text/a.body} where a.slug = '$slug'"
add "its comments (the most commented article)" "select c.id, c.body, c.created_at, c.updated_at, u.username, u.bio, u.image,
       exists(select 1 from follows fo where fo.follower_id = $viewer_id and fo.followee_id = c.author_id) as following
from articles a left join comments c on c.article_id = a.id left join users u on u.id = c.author_id
where a.slug = '$slug' order by c.created_at desc, c.id desc limit 500"
add "tags in use" "select name from tags where articles_count > 0 order by name"
# Before (main at 87fa0ef^): the count and page statements this branch replaced, on the same data.
add "BEFORE: count of all" "select count(*) from articles a"
add "BEFORE: count by tag '$tag'" "select count(*) from articles a where a.id in (select at.article_id from article_tags at join tags t on t.id = at.tag_id where t.name = '$tag')"
add "BEFORE: page by tag '$tag'" "$view where a.id in (select at.article_id from article_tags at join tags t on t.id = at.tag_id where t.name = '$tag') order by a.created_at desc, a.id desc limit 20 offset 0"
add "BEFORE: deep page, offset 90000" "$view order by a.created_at desc, a.id desc limit 20 offset 90000"

echo "# EXPLAIN (ANALYZE, BUFFERS) of the hot statements, $(date -u '+%Y-%m-%d %H:%M UTC'), database $db"
q "select count(*) || ' articles, ' || (select count(*) from comments) || ' comments, ' || (select count(*) from users) || ' users, ' || (select count(*) from favorites) || ' favorites, ' || (select count(*) from follows) || ' follows' from articles"
for i in "${!names[@]}"; do
  echo; echo "## ${names[$i]}"
  for _ in 1 2 3 4 5; do q "${sqls[$i]}" >/dev/null; done
  q "explain (analyze, buffers) ${sqls[$i]}"
  times=$( { echo '\timing on'; for _ in $(seq 1 20); do echo "${sqls[$i]};"; done; } \
    | "${psql_[@]}" 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -n)
  echo "latency over 20 runs: best $(echo "$times" | head -1) ms, median $(echo "$times" | sed -n 10p) ms, worst $(echo "$times" | tail -1) ms"
done

#!/usr/bin/env bash
# Fills a migrated ballast database with a large data set (bench/generate.sql), then VACUUM ANALYZE: the
# visibility map it sets is what lets list pages read their ids with index-only scans.
#
# Usage: bench/generate.sh DATABASE [USERS ARTICLES COMMENTS FAVORITES DAYS]
#   defaults: 100000 users, 1000000 articles, 5000000 comments, 2000000 favorites over 730 days.
# The database must have been migrated by the service first (start it once against the database).
# Connects to 127.0.0.1:5432 as postgres (PGHOST/PGUSER override).
set -euo pipefail
cd "$(dirname "$0")"
db=${1:?database name}
users=${2:-100000} articles=${3:-1000000} comments=${4:-5000000} favorites=${5:-2000000} days=${6:-730}
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres}

start=$(date +%s)
sed -e "s/{{users}}/$users/g" -e "s/{{articles}}/$articles/g" -e "s/{{comments}}/$comments/g" \
    -e "s/{{favorites}}/$favorites/g" -e "s/{{days}}/$days/g" generate.sql \
  | psql -v ON_ERROR_STOP=1 -q -d "$db"
echo "generated in $(( $(date +%s) - start )) s"
# The recount above rewrote many rows of articles and users: compact them, so sizes per row are true.
psql -v ON_ERROR_STOP=1 -q -d "$db" -c "vacuum full articles, users"
psql -v ON_ERROR_STOP=1 -q -d "$db" -c "vacuum (analyze) users, follows, articles, tags, article_tags, favorites, comments, article_totals"
echo "generated and vacuumed in $(( $(date +%s) - start )) s"
psql -qtA -d "$db" -c "select 'articles ' || count(*) from articles" -c "select 'comments ' || count(*) from comments" \
  -c "select 'users ' || count(*) from users" -c "select 'favorites ' || count(*) from favorites" \
  -c "select 'follows ' || count(*) from follows" -c "select 'article_tags ' || count(*) from article_tags"

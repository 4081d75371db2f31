#!/usr/bin/env bash
# Times one transaction that adds n articles in one statement (by 100 authors): the statement, and the
# commit (where the counters are applied: since V16 once per transaction, before once per article), for each
# n in SIZES, each on a fresh database migrated with the migrations of REF (default: the working tree). Then
# checks that every author's count and the total equal a true count.
# Usage: bench/bulk-insert.sh [REF]    env: SIZES (default "10000 100000 1000000"), BENCH_DB
# Postgres on 127.0.0.1:5432 as postgres (trust auth).
set -euo pipefail
cd "$(dirname "$0")/.."
ref=${1:-}
db=${BENCH_DB:-ballast_bulk_insert}
sizes=${SIZES:-10000 100000 1000000}
pg() { psql -h 127.0.0.1 -U postgres -d "$db" -q -v ON_ERROR_STOP=1 "$@"; }

migrations=$(mktemp -d)
trap 'rm -rf "$migrations"' EXIT
if [ -n "$ref" ]; then
  git archive "$ref" src/main/resources/db/migration | tar -x -C "$migrations" --strip-components=5
else
  cp src/main/resources/db/migration/* "$migrations"
fi

echo "migrations of ${ref:-the working tree}; $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $sizes; do
  psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db with (force)" -c "create database $db"
  # In version order (V7_1 after V7, V10 after V9).
  for f in $(ls "$migrations" | grep 'sql$' | sed -E 's/^V([0-9]+)_?([0-9]*)__.*/\1 \2 &/' | sort -k1,1n -k2,2n | cut -d' ' -f3); do
    # As Flyway does: in one transaction unless its .conf says otherwise.
    if [ -e "$migrations/$f.conf" ]; then pg -f "$migrations/$f"; else pg -1 -f "$migrations/$f"; fi >/dev/null
  done
  pg -c "insert into users (username, email, password_hash) select 'author' || g, 'author' || g || '@x', 'x'
         from generate_series(1, 100) g" -c "checkpoint"
  # The statement, then the commit (where the counters of V16 are applied), each timed by psql.
  times=$(pg -c '\timing on' -c "begin" -c "insert into articles (slug, title, description, body, author_id)
                    select 'bulk-' || g, 'Bulk ' || g, 'd', 'b', 1 + g % 100 from generate_series(1, $n) g" -c "commit" \
          | awk '/^Time:/ { printf "%s ", $2 / 1000 }')
  read -r _ insert commit <<<"$times"
  drifted=$(pg -tA -c "select (select count(*) from users u
                                where articles_count <> (select count(*) from articles a where a.author_id = u.id))
                             + (select count(*) from article_totals where live_count <> (select count(*) from articles))")
  printf '%9d articles in one transaction: %7.1f s (insert %.1f s, commit %.1f s), counters differing from a true count: %s\n' \
    "$n" "$(echo "$insert + $commit" | bc)" "$insert" "$commit" "$drifted"
done
psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db with (force)"

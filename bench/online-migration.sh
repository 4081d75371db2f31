#!/usr/bin/env bash
# Checks that V8 to V13 migrate an existing database online: a database at V6 (the schema before the
# counters) with 300,000 articles, 20,000 users, 600,000 article tags and 400,000 favorites is migrated by the
# packaged service (Flyway baseline at 6) while a writer adds and deletes articles, tags and favorites,
# one statement every few milliseconds. Then every counter is compared with a true count (a user's favorites
# are not counted since V18).
# Usage: bench/online-migration.sh   (needs the packaged jar; Postgres on 127.0.0.1:5432; port BENCH_PORT)
set -euo pipefail
cd "$(dirname "$0")/.."
db=${BENCH_DB:-ballast_issue8_online} port=${BENCH_PORT:-18801} work=bench/out/online
management_port=${MANAGEMENT_PORT:-9000} # health and metrics: the management interface
pg() { psql -h 127.0.0.1 -U postgres -d "$db" -q -v ON_ERROR_STOP=1 "$@"; }
mkdir -p "$work"
psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db with (force)" -c "create database $db"
for f in src/main/resources/db/migration/V[1-6]__*.sql; do pg -f "$f"; done
pg <<'SQL'
insert into users (username, email, password_hash) select 'u'||g, 'u'||g||'@x', 'x' from generate_series(1, 20000) g;
insert into tags (name) select 't'||g from generate_series(1, 50) g;
insert into articles (slug, title, description, body, author_id, created_at)
select 's'||g, 't', 'd', 'b', 1 + floor(20000 * power(random(), 2)), now() - random() * interval '300 days'
from generate_series(1, 300000) g;
insert into article_tags select a.id, 1 + floor(50 * power(random(), 2)) from articles a, generate_series(1, 2) on conflict do nothing;
insert into favorites (user_id, article_id)
select 1 + floor(20000 * random()), 1 + floor(300000 * random()) from generate_series(1, 400000) on conflict do nothing;
vacuum analyze;
SQL
python3 - "$work/writes.sql" <<'PY'
import random, sys
r = random.Random(1)
out = []
for i in range(6000):
    k = r.randrange(4)
    if k == 0:
        out.append(f"with a as (insert into articles (slug, title, description, body, author_id) values ('w{i}', 't', 'd', 'b', {r.randrange(1, 20001)}) returning id) "
                   f"insert into article_tags (article_id, tag_id) select id, t from a, (values ({r.randrange(1, 51)}), ({r.randrange(1, 51)})) v(t) on conflict do nothing;")
    elif k == 1:
        out.append(f"insert into favorites (user_id, article_id) values ({r.randrange(1, 20001)}, {r.randrange(1, 300001)}) on conflict do nothing;")
    elif k == 2:
        out.append(f"delete from favorites where user_id = {r.randrange(1, 20001)} and article_id in (select article_id from favorites where user_id = {r.randrange(1, 20001)} limit 1);")
    else:
        out.append(f"delete from articles where id = {r.randrange(1, 300001)};")
    out.append("select pg_sleep(0.004) \\g /dev/null")
open(sys.argv[1], "w").write("\n".join(out))
PY
(psql -h 127.0.0.1 -U postgres -d "$db" -q -f "$work/writes.sql" >"$work/writes.log" 2>&1 || true) &
writer=$!
sleep 2
QUARKUS_FLYWAY_BASELINE_ON_MIGRATE=true QUARKUS_FLYWAY_BASELINE_VERSION=6 \
QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$db" QUARKUS_DATASOURCE_USERNAME=postgres \
QUARKUS_DATASOURCE_PASSWORD=postgres PORT=$port MANAGEMENT_PORT=$management_port LOG_JSON=false java -jar target/quarkus-app/quarkus-run.jar >"$work/service.log" 2>&1 &
service=$!
trap 'kill $service 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$management_port/q/health/ready" >/dev/null 2>&1 && break; sleep 1; done
grep -E "Migrating|Successfully applied" "$work/service.log" | sed 's/^\(.\{23\}\).*\] (main) /\1 /'
wait $writer
echo "writer statements that failed, by error (favorites of articles it had deleted fail before and after):"
grep ERROR "$work/writes.log" | sed 's/.*ERROR: *//' | cut -c1-90 | sort | uniq -c || true
pg -AF' ' <<'SQL'
select (select count(*) from users u
        where articles_count <> (select count(*) from articles a where a.author_id = u.id)) as users_drifted,
       (select count(*) from tags t
        where articles_count <> (select count(*) from article_tags at where at.tag_id = t.id)) as tags_drifted,
       (select count(*) from article_totals where live_count <> (select count(*) from articles)) as total_drifted,
       (select count(*) from pg_index where not indisvalid) as invalid_indexes;
SQL

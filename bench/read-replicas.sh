#!/usr/bin/env bash
# Read replicas on one machine (docs/scaling.md): a Postgres of its own on 127.0.0.1:5434 as the primary (initdb in a
# temporary directory, from the machine's Postgres binaries; the machine's own server is not touched) and a streaming
# replica of it, made with pg_basebackup, on 127.0.0.1:5435; the packaged jar without a read replica, then with
# READ_DATABASE_URL pointing at the replica, in one sitting on the same seeded database. For each:
#   - the anonymous read mix (wrk, BENCH_CONNECTIONS connections, BENCH_DURATION): requests a second, and the
#     transactions each server ran meanwhile (pg_stat_database.xact_commit of the database), so the share off the primary;
#   - the signed-in mix (reads with tokens, comment writes and favorites): requests a second;
#   - read-your-writes: BENCH_AUTHORS authors each publish an article and read it back at once, signed in; every one
#     must be found (a miss is printed and fails the run).
# Both databases share the machine's cores: compare the two runs as ratios, not as the scaling itself.
# Needs: the packaged jar (./mvnw -B package -DskipTests, or BENCH_JAR), PostgreSQL's server binaries (initdb, pg_ctl, pg_basebackup,
# psql: PG_BIN, default the newest under /usr/lib/postgresql), wrk, python3, curl, jq. As root, both servers run as the
# postgres user. Loads only 127.0.0.1. Usage: bench/read-replicas.sh (a quick try: BENCH_DURATION=3s BENCH_AUTHORS=5 BENCH_SEED_ARGS="--articles 200")
set -euo pipefail
cd "$(dirname "$0")/.."

db=ballast_read_replicas
port=${BENCH_PORT:-8090}
management_port=${MANAGEMENT_PORT:-9000}
primary_port=${BENCH_PRIMARY_PORT:-5434}
replica_port=${BENCH_REPLICA_PORT:-5435}
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
authors=${BENCH_AUTHORS:-50}
seed_args=${BENCH_SEED_ARGS:-} # e.g. "--articles 200 --comments 500" for a quick try
java_opts=${BENCH_JAVA_OPTS:--XX:+UseSerialGC -Xms136m -Xmx136m}
pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
pg="$pg_bin/psql -h 127.0.0.1 -p $primary_port -U postgres -qtA"
work=$(mktemp -d /tmp/ballast-read-replicas.XXXXXX)
primary_dir=$work/primary
# Both servers alike (a standby needs at least its primary's max_connections).
server_options="-c max_connections=200 -c shared_buffers=256MB"
replica_dir=$work/replica
mkdir -p bench/results bench/out
results="bench/results/read-replicas-$(date -u +%Y%m%dT%H%M%SZ).txt"
log=bench/results/service.log
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
say() { echo "$*" | tee -a "$results"; }

service=0
cleanup() {
  [ "$service" != 0 ] && { kill "$service" 2>/dev/null; wait "$service" 2>/dev/null || true; }
  as_postgres "$pg_bin/pg_ctl" -D "$replica_dir" -m fast stop >/dev/null 2>&1 || true
  as_postgres "$pg_bin/pg_ctl" -D "$primary_dir" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The primary: trust for local and replication connections (initdb -A trust), statement statistics on.
[ "$(id -u)" = 0 ] && chown postgres "$work"
as_postgres "$pg_bin/initdb" -A trust -U postgres -D "$primary_dir" >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$primary_dir" -l "$work/primary.log" -w \
  -o "-p $primary_port $server_options -c unix_socket_directories=$work" start >/dev/null
$pg -d postgres -c "create database $db"
source bench/jwt-keys.sh
bench_jwt_keys bench/out

start_service() { # extra environment, as NAME=value words
  env "$@" QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$primary_port/$db" QUARKUS_DATASOURCE_USERNAME=postgres \
    QUARKUS_DATASOURCE_PASSWORD=postgres PORT=$port MANAGEMENT_PORT=$management_port LOG_JSON=false \
    RATE_LIMIT_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_REQUESTS_PER_MINUTE=100000000 \
    RATE_LIMIT_ADDRESS_IN_FLIGHT_MAX=100000000 AUTH_RATE_LIMIT_PER_MINUTE=100000000 MALLOC_ARENA_MAX=1 \
    java $java_opts -jar "${BENCH_JAR:-target/quarkus-app/quarkus-run.jar}" >"$log" 2>&1 &
  service=$!
  for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$management_port/q/health/ready" >/dev/null 2>&1 && return; sleep 1; done
  echo "the service did not become ready: see $log"; exit 1
}
stop_service() { kill "$service"; wait "$service" 2>/dev/null || true; service=0; }

commits() { # port: transactions committed in the bench database so far on that server
  "$pg_bin/psql" -h 127.0.0.1 -p "$1" -U postgres -qtA -d postgres -c "select xact_commit from pg_stat_database where datname = '$db'"
}

mix() { # scenario
  wrk -t2 -c"$connections" -d"$duration" -s bench/wrk/scenario.lua "http://127.0.0.1:$port" -- "$1" bench/out \
    | grep -E "Requests/sec|status" | tr '\n' ' '
}

read_your_writes() { # each author publishes and reads back at once; prints the misses
  local missed=0 token slug
  for i in $(seq 1 "$authors"); do
    token=$(sed -n "${i}p" bench/out/tokens.txt)
    slug=$(curl -fsS -X POST "http://127.0.0.1:$port/api/articles" -H "Authorization: Token $token" \
      -H 'Content-Type: application/json' \
      -d "{\"article\":{\"title\":\"read back $i $RANDOM$RANDOM\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[]}}" \
      | jq -r .article.slug)
    curl -fs -o /dev/null "http://127.0.0.1:$port/api/articles/$slug" -H "Authorization: Token $token" \
      || { missed=$((missed + 1)); echo "not read back at once: $slug" >&2; }
  done
  echo "$missed"
}

run() { # label, then the service's extra environment
  local label=$1; shift
  start_service "$@"
  wrk -t2 -c"$connections" -d10s -s bench/wrk/scenario.lua "http://127.0.0.1:$port" -- anonymous-mix bench/out >/dev/null
  local primary_before replica_before primary_after replica_after
  primary_before=$(commits "$primary_port"); replica_before=$(commits "$replica_port")
  say "$label, anonymous-mix: $(mix anonymous-mix)"
  primary_after=$(commits "$primary_port"); replica_after=$(commits "$replica_port")
  local on_primary=$((primary_after - primary_before)) on_replica=$((replica_after - replica_before))
  say "$label, transactions during it: primary $on_primary, replica $on_replica, off the primary" \
    "$(( 100 * on_replica / (on_primary + on_replica > 0 ? on_primary + on_replica : 1) )) %"
  say "$label, signed-mix: $(mix signed-mix)"
  local missed
  missed=$(read_your_writes)
  say "$label, read-your-writes: $authors articles, $missed not read back at once by their authors"
  stop_service
  [ "$missed" = 0 ] || { say "FAILED: an author did not read their own write"; exit 1; }
}

say "# read replicas, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
say "postgres $($pg -d postgres -c 'show server_version') on $primary_port, a streaming replica on $replica_port; JVM $java_opts"

# The replica: a base backup of the primary, streaming, with a slot that keeps its WAL.
as_postgres "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$replica_dir" -R -X stream -c fast \
  -C -S ballast_bench_replica
as_postgres "$pg_bin/pg_ctl" -D "$replica_dir" -l "$replica_dir/replica.log" -w \
  -o "-p $replica_port $server_options -c hot_standby_feedback=on -c unix_socket_directories=$replica_dir" start >/dev/null

start_service
python3 bench/seed.py --api "http://127.0.0.1:$port/api" --out bench/out $seed_args >/dev/null
stop_service

run "no read replica"
run "one read replica" READ_DATABASE_URL="postgresql://127.0.0.1:$replica_port/$db"
say "results: $results"

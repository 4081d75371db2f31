#!/usr/bin/env bash
# Read replicas on one machine (docs/scaling.md): a Postgres of its own on 127.0.0.1:5434 as the primary (initdb in a
# temporary directory, from the machine's Postgres binaries; the machine's own server is not touched) and a streaming
# replica of it, made with pg_basebackup, on 127.0.0.1:5435; then the packaged jar three times at once on the same
# seeded database (ports BENCH_PORT, +1, +2): without a read replica, with READ_DATABASE_URL pointing at the replica,
# and without again (the A/A: how far two alike services differ in one round). Each is warmed up (BENCH_WARMUP of each
# mix), then in each of BENCH_ROUNDS rounds every mix is measured on each in turn, the order rotating, BENCH_DURATION
# each (wrk, BENCH_CONNECTIONS connections):
#   - the anonymous read mix and the signed-in mix (reads with tokens, comment writes and favorites): goodput (2xx a
#     second), and what each server did meanwhile: transactions (pg_stat_database.xact_commit of the database),
#     statements' execution time (pg_stat_statements), so the share off the primary, and the CPU time of each
#     server's processes and of the service measured (/proc: user and system time), so what an answer costs each;
#   - then read-your-writes with the replica: BENCH_AUTHORS authors each publish an article and read it back at once,
#     signed in; every one must be found (a miss is printed and fails the run).
# Printed per mix and service: the median goodput, its ratio to the first service's in the same round (median,
# min-max), and per server the transactions and the statement milliseconds per 1,000 answers, and the CPU
# microseconds per answer of the service, the primary and the replica.
# Both databases share the machine's cores: the ratios say what routing costs here; the per-server work says what a
# replica with cores of its own takes off the primary.
# Needs: the packaged jar (./mvnw -B package -DskipTests, or BENCH_JAR), PostgreSQL's server binaries (initdb, pg_ctl, pg_basebackup,
# psql: PG_BIN, default the newest under /usr/lib/postgresql), wrk, python3, curl, jq. As root, both servers run as the
# postgres user. Loads only 127.0.0.1. REPLICA_SETTINGS: more settings (NAME=value words) for the service with the
# read replica, e.g. READ_SIGNED_IN_FROM_REPLICAS=true. Usage: bench/read-replicas.sh (a quick try: BENCH_DURATION=3s BENCH_AUTHORS=5 BENCH_SEED_ARGS="--articles 200")
set -euo pipefail
cd "$(dirname "$0")/.."

db=ballast_read_replicas
port=${BENCH_PORT:-8090}
management_port=${MANAGEMENT_PORT:-9000}
primary_port=${BENCH_PRIMARY_PORT:-5434}
replica_port=${BENCH_REPLICA_PORT:-5435}
duration=${BENCH_DURATION:-10s}
warmup=${BENCH_WARMUP:-20s}
rounds=${BENCH_ROUNDS:-3}
connections=${BENCH_CONNECTIONS:-32}
authors=${BENCH_AUTHORS:-50}
seed_args=${BENCH_SEED_ARGS:-} # e.g. "--articles 200 --comments 500" for a quick try
java_opts=${BENCH_JAVA_OPTS:--XX:+UseSerialGC -Xms136m -Xmx136m}
pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
pg="$pg_bin/psql -h 127.0.0.1 -p $primary_port -U postgres -qtA"
work=$(mktemp -d /tmp/ballast-read-replicas.XXXXXX)
primary_dir=$work/primary
# Both servers alike (a standby needs at least its primary's max_connections).
server_options="-c max_connections=200 -c shared_buffers=256MB -c shared_preload_libraries=pg_stat_statements"
replica_dir=$work/replica
mkdir -p bench/results bench/out
results="bench/results/read-replicas-$(date -u +%Y%m%dT%H%M%SZ).txt"
log=bench/results/service.log
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
say() { echo "$*" | tee -a "$results"; }

services=() # the services' pids
cleanup() {
  stop_services
  as_postgres "$pg_bin/pg_ctl" -D "$replica_dir" -m fast stop >/dev/null 2>&1 || true
  as_postgres "$pg_bin/pg_ctl" -D "$primary_dir" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The primary: trust for local and replication connections (initdb -A trust), statement statistics on (both servers).
[ "$(id -u)" = 0 ] && chown postgres "$work"
as_postgres "$pg_bin/initdb" -A trust -U postgres -D "$primary_dir" >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$primary_dir" -l "$work/primary.log" -w \
  -o "-p $primary_port $server_options -c unix_socket_directories=$work" start >/dev/null
$pg -d postgres -c "create database $db"
$pg -d postgres -c "create extension pg_stat_statements"
source bench/jwt-keys.sh
bench_jwt_keys bench/out

start_service() { # port management-port, then extra environment as NAME=value words
  local api=$1 management=$2; shift 2
  env "$@" QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$primary_port/$db" QUARKUS_DATASOURCE_USERNAME=postgres \
    QUARKUS_DATASOURCE_PASSWORD=postgres PORT=$api MANAGEMENT_PORT=$management LOG_JSON=false \
    RATE_LIMIT_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_REQUESTS_PER_MINUTE=100000000 \
    RATE_LIMIT_ADDRESS_IN_FLIGHT_MAX=100000000 AUTH_RATE_LIMIT_PER_MINUTE=100000000 MALLOC_ARENA_MAX=1 \
    java $java_opts -jar "${BENCH_JAR:-target/quarkus-app/quarkus-run.jar}" >"$log.$api" 2>&1 &
  services+=($!)
  for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$management/q/health/ready" >/dev/null 2>&1 && return; sleep 1; done
  echo "the service did not become ready: see $log.$api"; exit 1
}
stop_services() { for pid in "${services[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; done; services=(); }

work_done() { # port: transactions committed and statement milliseconds in the bench database so far on that server
  "$pg_bin/psql" -h 127.0.0.1 -p "$1" -U postgres -qtA -F ' ' -d postgres -c "select xact_commit,
    (select round(coalesce(sum(total_exec_time), 0)) from pg_stat_statements s where s.dbid = d.datid)
    from pg_stat_database d where datname = '$db'"
}

statements() { # port: each statement's calls so far on that server, as "calls<TAB>query" (the query on one line)
  "$pg_bin/psql" -h 127.0.0.1 -p "$1" -U postgres -qtA -F $'\t' -d postgres -c "select calls,
    regexp_replace(query, '\s+', ' ', 'g') from pg_stat_statements s join pg_database d on d.oid = s.dbid
    where d.datname = '$db'"
}

ticks=$(getconf CLK_TCK)
cpu_ms() { # pids: their CPU time so far, user and system, their children's that ended included, in milliseconds
  for pid in "$@"; do cat "/proc/$pid/stat" 2>/dev/null || true; done \
    | awk -v ticks="$ticks" '{ sub(/^.*\) /, ""); sum += $12 + $13 + $14 + $15 } END { printf "%.0f", 1000 * sum / ticks }'
}
server_cpu_ms() { # data directory: the CPU time so far of that server's processes (the postmaster and its children)
  local postmaster
  postmaster=$(head -1 "$1/postmaster.pid")
  # shellcheck disable=SC2046 # one pid a word
  cpu_ms "$postmaster" $(pgrep -P "$postmaster")
}

goodput() { # port scenario duration-seconds: 2xx answers a second (scenario.lua counts each status)
  wrk -t2 -c"$connections" -d"$3s" -s bench/wrk/scenario.lua "http://127.0.0.1:$1" -- "$2" bench/out \
    | awk -v seconds="$3" '/status 2[0-9][0-9]:/ { for (i = 1; i < NF; i++) if ($i ~ /^2[0-9][0-9]:$/) ok += $(i + 1) }
                             END { printf "%.0f", ok / seconds }'
}

read_your_writes() { # port: each author publishes and reads back at once; prints the misses
  local missed=0 token slug
  for i in $(seq 1 "$authors"); do
    token=$(sed -n "${i}p" bench/out/tokens.txt)
    slug=$(curl -fsS -X POST "http://127.0.0.1:$1/api/articles" -H "Authorization: Token $token" \
      -H 'Content-Type: application/json' \
      -d "{\"article\":{\"title\":\"read back $i $RANDOM$RANDOM\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[]}}" \
      | jq -r .article.slug)
    curl -fs -o /dev/null "http://127.0.0.1:$1/api/articles/$slug" -H "Authorization: Token $token" \
      || { missed=$((missed + 1)); echo "not read back at once: $slug" >&2; }
  done
  echo "$missed"
}

say "# read replicas, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
say "postgres $($pg -d postgres -c 'show server_version') on $primary_port, a streaming replica on $replica_port; JVM $java_opts"

# The replica: a base backup of the primary, streaming, with a slot that keeps its WAL.
as_postgres "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$replica_dir" -R -X stream -c fast \
  -C -S ballast_bench_replica
as_postgres "$pg_bin/pg_ctl" -D "$replica_dir" -l "$replica_dir/replica.log" -w \
  -o "-p $replica_port $server_options -c hot_standby_feedback=on -c unix_socket_directories=$replica_dir" start >/dev/null

start_service "$port" "$management_port"
python3 bench/seed.py --api "http://127.0.0.1:$port/api" --out bench/out $seed_args >/dev/null
stop_services

# The three builds' settings side by side, all up at once on the same data, each measured in turn (the order rotating
# each round): this machine's speed drifts over minutes, so the ratios of a round are what is compared.
labels=("no read replica" "one read replica" "no read replica again (A/A)")
settings=("" "READ_DATABASE_URL=postgresql://127.0.0.1:$replica_port/$db ${REPLICA_SETTINGS:-}" "")
for i in 0 1 2; do
  # shellcheck disable=SC2086 # the settings are words on purpose
  start_service $((port + i)) $((management_port + i)) ${settings[$i]}
done
seconds=${duration%s}
say "the service with the read replica: ${settings[1]}"
say "rounds: $rounds, each mix ${seconds}s per setting after a ${warmup} warm-up of each (wrk -t2 -c$connections, closed loop)"
for i in 0 1 2; do
  for scenario in anonymous-mix signed-mix; do goodput $((port + i)) "$scenario" "${warmup%s}" >/dev/null; done
done
# What the three services do on each server when no one calls them (pool upkeep, the replica's lag check, jobs): taken
# off each measured count, so that the share off the primary is the mix's own.
read -r p_tx p_ms <<<"$(work_done "$primary_port")"; read -r r_tx r_ms <<<"$(work_done "$replica_port")"
p_cpu=$(server_cpu_ms "$primary_dir"); r_cpu=$(server_cpu_ms "$replica_dir")
sleep "$seconds"
read -r p_tx2 p_ms2 <<<"$(work_done "$primary_port")"; read -r r_tx2 r_ms2 <<<"$(work_done "$replica_port")"
idle=($((p_tx2 - p_tx)) $((p_ms2 - p_ms)) $((r_tx2 - r_tx)) $((r_ms2 - r_ms))
  $(($(server_cpu_ms "$primary_dir") - p_cpu)) $(($(server_cpu_ms "$replica_dir") - r_cpu)))
say "the three idle services in ${seconds}s (taken off each count below): primary ${idle[0]} transactions ${idle[1]} ms," \
  "replica ${idle[2]} transactions ${idle[3]} ms; CPU: primary ${idle[4]} ms, replica ${idle[5]} ms"
tsv=$work/goodput.tsv
for round in $(seq 1 "$rounds"); do
  for scenario in anonymous-mix signed-mix; do
    for k in 0 1 2; do
      i=$(( (k + round) % 3 ))
      # What stays on the primary while the replica service serves the anonymous mix: its statements, once.
      [ "$round$scenario$i" = 1anonymous-mix1 ] && statements "$primary_port" >"$work/primary-before.tsv"
      read -r p_tx p_ms <<<"$(work_done "$primary_port")"; read -r r_tx r_ms <<<"$(work_done "$replica_port")"
      s_cpu=$(cpu_ms "${services[$i]}"); p_cpu=$(server_cpu_ms "$primary_dir"); r_cpu=$(server_cpu_ms "$replica_dir")
      rate=$(goodput $((port + i)) "$scenario" "$seconds")
      s_cpu=$(($(cpu_ms "${services[$i]}") - s_cpu))
      p_cpu=$(($(server_cpu_ms "$primary_dir") - p_cpu - idle[4])); r_cpu=$(($(server_cpu_ms "$replica_dir") - r_cpu - idle[5]))
      read -r p_tx2 p_ms2 <<<"$(work_done "$primary_port")"; read -r r_tx2 r_ms2 <<<"$(work_done "$replica_port")"
      [ "$round$scenario$i" = 1anonymous-mix1 ] && statements "$primary_port" >"$work/primary-after.tsv"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$scenario" "$i" "$rate" \
        $((p_tx2 - p_tx - idle[0])) $((p_ms2 - p_ms - idle[1])) $((r_tx2 - r_tx - idle[2])) $((r_ms2 - r_ms - idle[3])) \
        "$s_cpu" "$p_cpu" "$r_cpu" >>"$tsv"
    done
  done
done
python3 - "$tsv" "$seconds" "${labels[@]}" <<'PY' | tee -a "$results"
import statistics, sys
rows = [line.split('\t') for line in open(sys.argv[1]).read().splitlines()]
seconds = int(sys.argv[2])
labels = sys.argv[3:]
for scenario in ('anonymous-mix', 'signed-mix'):
    print(f'{scenario}:')
    for i, label in enumerate(labels):
        mine = [r for r in rows if r[1] == scenario and r[2] == str(i)]
        rates = [int(r[3]) for r in mine]
        answers = sum(int(r[3]) for r in mine) * seconds
        p_tx, p_ms, r_tx, r_ms, s_cpu, p_cpu, r_cpu = (sum(int(r[k]) for r in mine) for k in range(4, 11))
        line = f'  {label}: 2xx/s median {statistics.median(rates):.0f} ({min(rates)}-{max(rates)})'
        if i > 0:
            ratios = sorted(int(r[3]) / int(n[3]) for r in mine for n in rows
                            if n[0] == r[0] and n[1] == scenario and n[2] == '0')
            line += f'; of the first, same round: median {statistics.median(ratios):.2f} ({ratios[0]:.2f}-{ratios[-1]:.2f})'
        per = lambda x: 1000 * x / max(1, answers)
        line += (f'; per 1,000 answers: primary {per(p_tx):.0f} transactions {per(p_ms):.0f} ms, replica {per(r_tx):.0f}'
                 f' transactions {per(r_ms):.0f} ms; statement time off the primary {100 * r_ms // max(1, p_ms + r_ms)} %'
                 f'; CPU per answer: service {per(s_cpu):.0f} µs, primary {per(p_cpu):.0f} µs, replica {per(r_cpu):.0f} µs')
        print(line)
PY
python3 - "$work/primary-before.tsv" "$work/primary-after.tsv" <<'PY' | tee -a "$results"
import sys
def calls(path):
    counts = {}
    for line in open(path).read().splitlines():
        n, query = line.split('\t', 1)
        counts[query] = counts.get(query, 0) + int(n)
    return counts
before, after = calls(sys.argv[1]), calls(sys.argv[2])
grown = sorted(((n - before.get(q, 0), q) for q, n in after.items() if n > before.get(q, 0)), reverse=True)
print('on the primary while the replica service served the anonymous mix (round 1, the idle services included), calls:')
for n, query in grown[:8]:
    print(f'  {n:>7}  {query[:110]}')
PY
# Where the replica service's reads went since it started (warm-ups included), and the cache fills it read on the
# replica but did not keep (a newer change had emptied the cache), beside the misses (each a fill).
say "one read replica, since start: $(curl -fs "http://127.0.0.1:$((management_port + 1))/q/metrics" \
  | awk '/^ballast_db_reads_total\{/ { sub(/ballast_db_reads_total/, "reads"); printf "%s %.0f, ", $1, $2 }
         /^ballast_cache_fills_refused_total\{/ { refused += $2 } /^cache_gets_total\{.*result="miss"/ { misses += $2 }
         END { printf "cache misses %.0f, fills refused %.0f", misses, refused }')"
missed=$(read_your_writes $((port + 1)))
say "${labels[1]}, read-your-writes: $authors articles, $missed not read back at once by their authors"
[ "$missed" = 0 ] || { say "FAILED: an author did not read their own write"; exit 1; }
say "results: $results"

#!/usr/bin/env bash
# Side by side: builds OLD_REF and NEW_REF, then runs them in rounds. In each round both builds run at once,
# each on its own fresh copy of one seeded database, and every scenario is measured on one build right after
# the other (old first in odd rounds, new first in even ones), so that the two measurements of a pair are
# seconds apart: this machine's speed drifts over minutes. Prints per scenario the median ratio new/old with
# its spread over rounds, beside the A/A spread of the old build (its own rounds against each other): a ratio
# inside that spread is noise. What is compared is goodput (2xx answers a second); each build's p99 (wrk's, closed
# loop) is printed beside it. The build not being measured sits idle (its heartbeat and timers only).
#
# Usage: bench/compare.sh OLD_REF NEW_REF
#   env: ROUNDS (3), DURATION (10s, per scenario), WARMUP (20s, per scenario, not counted: a fresh JVM still
#        compiles a write's code for 20 to 40 s), CONNECTIONS (32; several, e.g. "16 64", run each scenario at
#        each), BENCH_PORT (8093; the new build listens on the next port), BENCH_JAVA_OPTS (-Xmx256m
#        -XX:MaxMetaspaceSize=128m), SCENARIOS (the scenario names to run, e.g. "favorite hot-favorite"; default
#        all), OLD_ENV and NEW_ENV (settings of one side only, e.g. OLD_ENV="CACHE_NOTIFY=false": with the same
#        ref on both sides, one build compared with itself under two settings)
# The data (bench/seed.py: 100 users, 1,000 articles, 5,000 comments, 2,000 favorites, 300 follows) is seeded
# once through OLD's API; each run gets a copy (a database created from it as template), which NEW migrates
# forward on start: OLD must not have migrations NEW lacks. Both builds sign with the same keys
# (bench/jwt-keys.sh), so the seeded tokens are valid for both. A ref's committed tree is built, not the
# working tree; builds are kept per commit in bench/out/compare/builds.
# Results: bench/results/compare-<timestamp>.tsv (every run) and .txt (the table).
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth), wrk, python3, psql, java 17.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in wrk psql python3 java curl; do
  command -v "$tool" >/dev/null || { echo "bench/compare.sh needs $tool (wrk: apt-get install wrk)" >&2; exit 1; }
done
old_ref=${1:?usage: bench/compare.sh OLD_REF NEW_REF} new_ref=${2:?usage: bench/compare.sh OLD_REF NEW_REF}
rounds=${ROUNDS:-3} duration=${DURATION:-10s} warmup=${WARMUP:-20s} connection_counts=${CONNECTIONS:-32}
old_env=${OLD_ENV:-} new_env=${NEW_ENV:-}
port=${BENCH_PORT:-8093}
management_port=${MANAGEMENT_PORT:-9000} # health: the management interface (the new build's is the next port)
java_opts=${BENCH_JAVA_OPTS:--Xmx256m -XX:MaxMetaspaceSize=128m}
# Named after the port, so that two comparisons on one machine (on ports of their own) keep to their own databases.
seed_db=ballast_compare_${port}_seed run_db=ballast_compare_${port}_run
pg="psql -h 127.0.0.1 -U postgres -qtA -v ON_ERROR_STOP=1 -d postgres"
out=bench/out/compare
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p bench/results "$out/builds"
tsv="bench/results/compare-$stamp.tsv" table="bench/results/compare-$stamp.txt" log="$out/service.log"

# label, scenario, signed: the scenarios of docs/benchmarks.md, in this order in every round.
scenarios=(
  "anonymous list page|list|0"
  "anonymous article|article|0"
  "anonymous comments|comments|0"
  "signed-in list page|list|1"
  "signed-in article|article|1"
  "signed-in feed|feed|1"
  "signed-in mix without logins|signed-mix|1"
  "favorite write|favorite|1"
  "favorite write, one article at a time|hot-favorite|1"
  "favorite write, one article at a time, 5 users|hot-favorite-5|1"
  "comment write|comment-write|1"
  "comment write, one article at a time|hot-comment|1"
)

build() { # ref -> prints the jar of that commit, built once
  local commit dir
  commit=$(git rev-parse --verify "$1^{commit}")
  dir="$out/builds/$commit"
  if [ ! -f "$dir/target/quarkus-app/quarkus-run.jar" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    git archive "$commit" | tar -x -C "$dir"
    echo "building $1 ($commit)" >&2
    (cd "$dir" && ./mvnw -B -ntp -q package -DskipTests >&2)
  fi
  echo "$dir/target/quarkus-app/quarkus-run.jar"
}

services=()
stop_services() { for pid in "${services[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; done; services=(); }
trap stop_services EXIT
start_service() { # jar database port management-port [settings, e.g. "CACHE_NOTIFY=false"]
  # shellcheck disable=SC2086 # the settings are words on purpose
  env ${5:-} QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$2" QUARKUS_DATASOURCE_USERNAME=postgres \
  QUARKUS_DATASOURCE_PASSWORD=postgres PORT=$3 MANAGEMENT_PORT=$4 LOG_JSON=false \
  RATE_LIMIT_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_IN_FLIGHT_MAX=100000000 AUTH_RATE_LIMIT_PER_MINUTE=100000000 LOGIN_FAILURES_FREE=100000000 \
    java $java_opts -jar "$1" >>"$log" 2>&1 &
  services+=($!)
  # Builds before the management interface answer their probes on the API port.
  for _ in $(seq 1 90); do
    curl -fs "http://127.0.0.1:$4/q/health/ready" >/dev/null 2>&1 && return
    curl -fs "http://127.0.0.1:$3/q/health/ready" >/dev/null 2>&1 && return
    sleep 1
  done
  echo "service did not become ready; see $log" >&2; exit 1
}

wrk_run() { # scenario signed duration port connections -> wrk's output
  local hot_users=
  [[ $1 == hot-favorite-* ]] && hot_users=${1#hot-favorite-} && set -- hot-favorite "${@:2}"
  BENCH_HOT_USERS="$hot_users" BENCH_SIGNED="$2" wrk -t2 -c"$5" -d"$3" -s bench/wrk/scenario.lua "http://127.0.0.1:$4" -- "$1" "$out"
}

old_jar=$(build "$old_ref")
new_jar=$(build "$new_ref")
source bench/jwt-keys.sh
bench_jwt_keys "$out"

$pg -c "drop database if exists $seed_db with (force)" -c "create database $seed_db"
# Seeding registers and signs in users (password hashing): on a busy machine the service's hashing share and
# queue refuse most of them with 503; while seeding (only then) they may queue and take the CPU.
ADMISSION_QUEUE_TIMEOUT=10s PASSWORD_HASH_QUEUE=1000 PASSWORD_HASH_RATE=100000 \
  start_service "$old_jar" "$seed_db" "$port" "$management_port"
python3 bench/seed.py --api "http://127.0.0.1:$port/api" --out "$out" | tail -1
stop_services

{
  echo "# bench/compare.sh $old_ref $new_ref, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "# old $(git rev-parse --short "$old_ref^{commit}")${old_env:+ with $old_env}, new $(git rev-parse --short "$new_ref^{commit}")${new_env:+ with $new_env};" \
       "$rounds rounds, both builds up in each, the scenarios paired; wrk -t2 -c$connection_counts -d$duration after a $warmup warm-up per scenario (closed loop)"
  echo "# machine: $(nproc) cores; postgres $($pg -c 'show server_version'); JVM options: $java_opts"
} | tee "$table"
printf 'round\tbuild\tscenario\tgoodput_per_s\tnot_2xx\tp99_ms\tload_average\n' >"$tsv"

for round in $(seq 1 "$rounds"); do
  for side in old new; do
    $pg -c "drop database if exists ${run_db}_$side with (force)" -c "create database ${run_db}_$side template $seed_db"
  done
  start_service "$old_jar" "${run_db}_old" "$port" "$management_port" "$old_env"
  start_service "$new_jar" "${run_db}_new" "$((port + 1))" "$((management_port + 1))" "$new_env"
  order="old new" && [ $((round % 2)) = 0 ] && order="new old"
  echo "round $round ($order first): load average $(cut -d' ' -f1 /proc/loadavg)" >&2
  for entry in "${scenarios[@]}"; do
    IFS='|' read -r label scenario signed <<<"$entry"
    [ -z "${SCENARIOS:-}" ] || [[ " $SCENARIOS " == *" $scenario "* ]] || continue
    for connections in $connection_counts; do
      run_label=$label && [ "$connection_counts" = "$connections" ] || run_label="$label, $connections connections"
      for side in $order; do
        side_port=$port && [ "$side" = new ] && side_port=$((port + 1))
        load=$(cut -d' ' -f1 /proc/loadavg)
        wrk_run "$scenario" "$signed" "$warmup" "$side_port" "$connections" >/dev/null
        result=$(wrk_run "$scenario" "$signed" "$duration" "$side_port" "$connections")
        # 2xx answers over the run's length ("1234 requests in 10.00s"); responses other than 2xx ("status 404: 12")
        # and socket errors ("socket errors: connect 0, read 0, ..."); the p99 line of scenario.lua.
        goodput=$(awk '/ requests in / {seconds = $4 + 0} /^status 2/ {ok += $3} END {printf "%.1f", (seconds > 0 ? ok / seconds : 0)}' <<<"$result")
        failed=$(awk '/^status / && $2 !~ /^2/ {n += $3} /^socket errors/ {n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$result")
        p99=$(awk '/^p50 / {print $8}' <<<"$result")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$side" "$run_label" "$goodput" "$failed" "$p99" "$load" >>"$tsv"
      done
    done
  done
  stop_services
done
for side in old new; do $pg -c "drop database if exists ${run_db}_$side with (force)"; done
$pg -c "drop database if exists $seed_db with (force)"

python3 bench/compare_stats.py "$tsv" | tee -a "$table"
echo "runs: $tsv; table: $table"

#!/usr/bin/env bash
# The open-model benchmark: wrk2 offers the bench mix (bench/wrk/scenario.lua) at fixed rates and measures
# each latency from the request's intended send time, so a stalled server cannot hide its queue
# (no coordinated omission). Each phase restarts the service on the seeded database and measures C, the
# closed-loop capacity of the mix (wrk, 32 connections, 10 s), in the same run. Each phase stays under
# 10 minutes: run them one at a time inside /work/tools/cpu-bench.
#
#   bench/open-model.sh seed       fresh database, seeded through the API (once)
#   bench/open-model.sh steps      offered rate stepped from 12 req/s past 3 C; table and plots
#   bench/open-model.sh overload   2,000/s, then 10,000/s for 30 s, then 2,000/s at once (first 5 s, then 20 s)
#   bench/open-model.sh logins     a login flood (16 connections back to back) beside the mix at BENCH_MIX_RATE
#   bench/open-model.sh signed     the signed-in mix without logins (scenario signed-mix): its C, then offered
#                                  at half of it for 40 s
#
# wrk2 (github.com/giltene/wrk2) is not packaged anywhere: WRK2 is its binary, or a checkout of its
# source, which is built with make (never committed). Default: /work/tools/wrk2/wrk.
# Needs the packaged jar, PostgreSQL on 127.0.0.1:5432 (trust auth), wrk, python3, /usr/bin/time, gnuplot.
# Results: bench/results/open-model-<phase>-<time>.txt (rows: see bench/wrk2_row.py).
# BENCH_JAR: another build's jar. BENCH_RUN_AS: a command that runs the service as another user (e.g.
# "setpriv --reuid=nobody --regid=nogroup --clear-groups": as a container's non-root user, which may lower a thread's
# priority but not raise one). FLOOD_ADDRESS: the login flood's client address, sent as X-Forwarded-For (pass
# TRUSTED_PROXIES=127.0.0.1 to the service): a flood from one client beside the mix's own logins.
set -euo pipefail
cd "$(dirname "$0")/.."

phase=${1:?usage: bench/open-model.sh seed|steps|overload|logins|signed [NAME=value ...]}
shift # the rest: settings for the measured service, as in bench/hashing.sh
port=${BENCH_PORT:-19000}
management_port=${MANAGEMENT_PORT:-9000} # health and metrics: the management interface
db=${BENCH_DB:-ballast_issue10}
out=bench/out/open-model
java_opts=${BENCH_JAVA_OPTS:--XX:+UseSerialGC -Xms136m -Xmx136m -XX:MaxMetaspaceSize=80m -XX:ReservedCodeCacheSize=40m -XX:MaxDirectMemorySize=32m -Xss512k}
url="http://127.0.0.1:$port"
management="http://127.0.0.1:$management_port"
pg="psql -h 127.0.0.1 -U postgres -qtA"
mkdir -p bench/results "$out"

wrk2=${WRK2:-/work/tools/wrk2/wrk}
if [ -d "$wrk2" ]; then
  [ -x "$wrk2/wrk" ] || make -C "$wrk2" >/dev/null
  wrk2="$wrk2/wrk"
fi
[ -x "$wrk2" ] || { echo "no wrk2 at $wrk2: set WRK2 to its binary or source checkout" >&2; exit 1; }

source bench/jwt-keys.sh
bench_jwt_keys "$out"

service=
start_service() { # extra environment assignments
  # Rate limits are raised: one address plays every client. The service must not inherit the bench lock
  # (cpu-bench's flock descriptor), hence the closed descriptors. Admission control and the hashing share keep
  # their defaults: they are what is measured.
  env QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$db" QUARKUS_DATASOURCE_USERNAME=postgres \
    QUARKUS_DATASOURCE_PASSWORD=postgres PORT=$port MANAGEMENT_PORT=$management_port LOG_JSON=false \
    RATE_LIMIT_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_IN_FLIGHT_MAX=100000000 AUTH_RATE_LIMIT_PER_MINUTE=100000000 MALLOC_ARENA_MAX=1 "$@" \
    ${BENCH_RUN_AS:-} java $java_opts -jar "${BENCH_JAR:-target/quarkus-app/quarkus-run.jar}" >"bench/results/open-model-service.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  service=$!
  for _ in $(seq 1 60); do curl -fs "$management/q/health/ready" >/dev/null 2>&1 && return; sleep 1; done
  echo "service did not become ready" >&2; exit 1
}
trap '[ -n "$service" ] && kill $service 2>/dev/null; wait 2>/dev/null || true' EXIT

if [ "$phase" = seed ]; then
  $pg -d postgres -c "drop database if exists $db" -c "create database $db"
  # Seeding registers 100 users at once on a cold JVM: no hashing share, no queue bound.
  start_service PASSWORD_HASH_RATE=10000 ADMISSION_QUEUE_TIMEOUT=10s
  python3 bench/seed.py --api "$url/api" --out "$out"
  exit 0
fi

results="bench/results/open-model-$phase-$(date -u +%Y%m%dT%H%M%SZ).txt"
: > "$out/$phase-raw.txt"
log() { echo "$*" | tee -a "$results"; }
start_service "$@"
log "# open-model benchmark, phase $phase, $(date -u '+%Y-%m-%d %H:%M UTC'); settings: ${*:-defaults}"
log "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr); $(java -version 2>&1 | head -1)"
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg); service: $(grep -o 'Admission control:.*\|Password hashing:.*' bench/results/open-model-service.log | tr '\n' ';')"

mix=mix
[ "$phase" = signed ] && mix=signed-mix
wrk -t2 -c32 -d20s -s bench/wrk/scenario.lua "$url" -- "$mix" "$out" >/dev/null   # warm-up, not recorded
closed=$(wrk -t2 -c32 -d10s -s bench/wrk/scenario.lua "$url" -- "$mix" "$out")
capacity=$(awk '/Requests\/sec/{printf "%.0f", $2}' <<<"$closed")
log "C (closed loop, wrk -t2 -c32 -d10s, $mix): $capacity req/s; $(grep '^status' <<<"$closed" | tr '\n' ' ')"

header=$'offered/s\ts\tresponses/s\t2xx/s\t429 %\t503 %\tother\tp50 ms\tp99 ms\tp99.9 ms\twrk2 CPU %'
# offered duration [connections]: one wrk2 run of the mix (or the signed-in mix); prints its row
open_run() {
  local rate=$1 duration=$2 connections=${3:-}
  [ -n "$connections" ] || connections=$(( rate / 20 < 8 ? 8 : (rate / 20 > 256 ? 256 : rate / 20) ))
  { /usr/bin/time -f "cpu %U %S %e" "$wrk2" -t2 -c"$connections" -d"${duration}s" -R"$rate" --latency \
      -s bench/wrk/scenario.lua "$url" -- "$mix" "$out" 2>&1; } > "$out/last-wrk2.txt" 2>&1
  { echo "## -R$rate -d${duration}s -c$connections"; cat "$out/last-wrk2.txt"; } >> "$out/$phase-raw.txt"
  python3 bench/wrk2_row.py "$rate" "$duration" < "$out/last-wrk2.txt"
}

case "$phase" in
steps)
  log "latency percentiles exclude wrk2's first 10 s or so (its calibration); counts cover the whole step"
  log "$header"
  rows="$out/steps.tsv"
  : > "$rows"
  for rate in 12 500 1000 2000 3000 4000 5000 6000 8000 10000 12000 ${BENCH_TOP_RATE:-16000}; do
    open_run "$rate" 20 | tee -a "$rows" | tee -a "$results"
    sleep 2
  done
  log "limit, in flight and refusals at the end: $(curl -s "$management/q/metrics" | grep -E '^ballast_(admission|password_rejections|event_loop)' | tr '\n' ' ')"
  BENCH_CAPACITY=$capacity bench/open-model-plot.sh "$rows" docs
  ;;
overload)
  log "$header"
  log "-- 2,000/s before (20 s)"; open_run 2000 20 | tee -a "$results"
  log "-- 10,000/s (40 s: the percentiles cover the last 30 s after wrk2's calibration, the counts all 40 s)"
  open_run 10000 40 256 | tee -a "$results"
  log "-- 2,000/s started at once after it: its first 5 s (no calibration in a 5 s run: every response counts)"
  open_run 2000 5 | tee -a "$results"
  log "-- 2,000/s, the next 20 s"; open_run 2000 20 | tee -a "$results"
  log "metrics at the end: $(curl -s "$management/q/metrics" | grep -E '^ballast_(admission|password_rejections)' | tr '\n' ' ')"
  ;;
logins)
  # BENCH_MIX_RATE: the mix's offered rate (default 2,000/s, about 30 % of C on the day this phase was written;
  # on a slower day offer the same share of that day's C).
  rate=${BENCH_MIX_RATE:-2000}
  log "$header"
  log "-- the mix at $rate/s alone (30 s)"; open_run "$rate" 30 | tee -a "$results"
  # The flood starts once wrk2's calibration (its first 10 s, outside its percentiles) is over, so that the
  # percentiles cover the flood's first seconds too: the hashing share's burst is spent then.
  log "-- the mix at $rate/s (42 s) beside a login flood from its 12th second on (wrk, 16 connections of logins back to back, 30 s)"
  { sleep 12; BENCH_CLIENT_ADDRESS=${FLOOD_ADDRESS:-} wrk -t1 -c16 -d30s -s bench/wrk/scenario.lua "$url" -- login "$out" > "$out/login-flood.txt"; } &
  flood=$!
  open_run "$rate" 42 | tee -a "$results"
  wait $flood
  log "login flood: $(grep -E 'Requests/sec|^status' "$out/login-flood.txt" | tr '\n' ' ')"
  log "metrics at the end: $(curl -s "$management/q/metrics" | grep -E '^ballast_(admission|password)' | tr '\n' ' ')"
  ;;
signed)
  log "$header"
  log "-- the signed-in mix at half its C (40 s: the percentiles cover the last 30 s after wrk2's calibration)"
  open_run $(( capacity / 2 )) 40 | tee -a "$results"
  ;;
*) echo "unknown phase $phase" >&2; exit 1 ;;
esac
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "results: $results"

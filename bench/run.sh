#!/usr/bin/env bash
# The load benchmark: seeds a fresh database through the API, then runs every wrk scenario (32 connections,
# 10 s each), the overload run (256 connections, 30 s) and the recovery check, and measures the
# pgbench -S ceiling of the same Postgres. Results go to bench/results/<timestamp>.txt.
#
# Needs: the packaged jar (./mvnw -B package -DskipTests), PostgreSQL on 127.0.0.1:5432 with trust auth,
# wrk, pgbench, python3. Loads only 127.0.0.1. Usage: bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

port=${BENCH_PORT:-8090}
management_port=${MANAGEMENT_PORT:-9000} # health and metrics: the management interface
db=${BENCH_DB:-ballast_bench}
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
pause_ms=${BENCH_PAUSE_MS:-14}
java_opts=${BENCH_JAVA_OPTS:--XX:+UseSerialGC -Xms136m -Xmx136m -XX:MaxMetaspaceSize=80m -XX:ReservedCodeCacheSize=40m -XX:MaxDirectMemorySize=32m -Xss512k}
pg="psql -h 127.0.0.1 -U postgres -qtA"
mkdir -p bench/results bench/out
results="bench/results/$(date -u +%Y%m%dT%H%M%SZ).txt"
log=bench/results/service.log

$pg -d postgres -c "drop database if exists $db" -c "create database $db"

# A fixed key pair for the run, so that the seeded tokens stay valid if the service is restarted by hand.
source bench/jwt-keys.sh
bench_jwt_keys bench/out

# Rate limits are raised for the run: one address plays every client.
QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$db" QUARKUS_DATASOURCE_USERNAME=postgres \
QUARKUS_DATASOURCE_PASSWORD=postgres PORT=$port MANAGEMENT_PORT=$management_port LOG_JSON=false \
RATE_LIMIT_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_IN_FLIGHT_MAX=100000000 AUTH_RATE_LIMIT_PER_MINUTE=100000000 MALLOC_ARENA_MAX=1 \
  java $java_opts -jar target/quarkus-app/quarkus-run.jar >"$log" 2>&1 &
service=$!
trap 'kill $service 2>/dev/null; wait $service 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$management_port/q/health/ready" >/dev/null 2>&1 && break; sleep 1; done

{
  echo "# ballast benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr); $(java -version 2>&1 | head -1)"
  echo "postgres: $($pg -d postgres -c 'show server_version'), max_connections $($pg -d postgres -c 'show max_connections')"
  echo "JVM options: $java_opts (MALLOC_ARENA_MAX=1)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$results"

rss() { echo "resident memory${1:+ $1}: $(( $(awk '/VmRSS/{print $2}' /proc/$service/status) / 1024 )) MB" | tee -a "$results"; }
rss "at rest (ready, before seeding)"
start=$(date +%s)
python3 bench/seed.py --api "http://127.0.0.1:$port/api" --out bench/out 2>&1 | tee -a "$results"
echo "seeding took $(( $(date +%s) - start )) s" | tee -a "$results"
rss "after seeding"

run() { # name connections duration
  echo "## $1 (-c$2 -d$3)" | tee -a "$results"
  wrk -t2 -c"$2" -d"$3" --latency -s bench/wrk/scenario.lua "http://127.0.0.1:$port" -- "$1" bench/out \
    | grep -E "Requests/sec|status|socket errors|p50|Latency  " | tee -a "$results"
}

echo "## warm-up (mix, 20 s, not recorded)" | tee -a "$results"
wrk -t2 -c$connections -d20s -s bench/wrk/scenario.lua "http://127.0.0.1:$port" -- mix bench/out >/dev/null

for scenario in tags list tag article comments feed login comment-write mix; do
  run $scenario $connections $duration
done
rss
echo "## mix at a fixed offered rate: each connection pauses $pause_ms ms between requests" | tee -a "$results"
BENCH_PAUSE_MS=$pause_ms run mix $connections $duration
run mix 256 30s
rss
echo "## recovery: mix at $connections connections right after the overload" | tee -a "$results"
run mix $connections 5s

echo "## pgbench -S ceiling (same Postgres, scale 10, $connections clients, 10 s)" | tee -a "$results"
$pg -d postgres -c "drop database if exists pgbench_ceiling" -c "create database pgbench_ceiling"
pgbench -h 127.0.0.1 -U postgres -i -s 10 -q pgbench_ceiling >/dev/null 2>&1
pgbench -h 127.0.0.1 -U postgres -S -c $connections -j 2 -T 10 pgbench_ceiling 2>/dev/null | grep -E "^tps|latency average" | tee -a "$results"
$pg -d postgres -c "drop database pgbench_ceiling"
echo "slow queries logged: $(grep -c 'Slow query' "$log" || true)" | tee -a "$results"
echo "JVM after the run: $(jcmd $service GC.heap_info 2>/dev/null | grep -E 'total|Metaspace' | tr -s ' ' | paste -sd';')" | tee -a "$results"
echo "results: $results"

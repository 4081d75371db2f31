#!/usr/bin/env bash
# What the database gate costs: the same wrk runs against a baseline build (pool.withConnection, no
# deadline) and this build (explicit connection per call, deadline timer, in-flight tracking), alternated
# twice, on the same seeded database. Scenarios: feed (uncached, one statement per request, needs a
# connection each time) and the mix. Closed loop, 32 connections, 15 s each.
#
# Usage: BASELINE_JAR=/path/to/baseline/target/quarkus-app/quarkus-run.jar bench/gate-overhead.sh
# Needs the packaged jar of this build, PostgreSQL on 127.0.0.1:5432 (trust), wrk, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=${BASELINE_JAR:?set BASELINE_JAR to the baseline build\'s quarkus-run.jar}
db=${BENCH_DB:-ballast_issue9}
port=${BENCH_PORT:-18902}
management_port=${MANAGEMENT_PORT:-9000} # health and metrics: the management interface
seed=bench/out/gate-seed
mkdir -p bench/out
psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db" -c "create database $db"
source bench/jwt-keys.sh
bench_jwt_keys bench/out
export QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$db" QUARKUS_DATASOURCE_USERNAME=postgres \
  QUARKUS_DATASOURCE_PASSWORD=postgres PORT=$port MANAGEMENT_PORT=$management_port LOG_JSON=false MALLOC_ARENA_MAX=1 \
  RATE_LIMIT_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_IN_FLIGHT_MAX=100000000 AUTH_RATE_LIMIT_PER_MINUTE=100000000
service=
start() {
  java -Xmx256m -jar "$1" >/dev/null 2>&1 &
  service=$!
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$management_port/q/health/ready" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "service did not start"; exit 1
}
stop() { kill "$service"; wait "$service" 2>/dev/null || true; service=; }
trap '[ -n "$service" ] && kill $service' EXIT

echo "# gate overhead, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
start target/quarkus-app/quarkus-run.jar
python3 bench/seed.py --api "http://127.0.0.1:$port/api" --out "$seed" --users 50 --articles 300 --comments 1000 \
  --favorites 300 --follows 200 --threads 4 2>&1 | tail -1
stop
for round in 1 2; do
  for build in baseline gate; do
    start "$([ $build = baseline ] && echo "$baseline" || echo target/quarkus-app/quarkus-run.jar)"
    wrk -t2 -c32 -d5s -s bench/wrk/scenario.lua "http://127.0.0.1:$port" -- mix "$seed" >/dev/null
    for scenario in feed mix; do
      printf '%s round %s %-5s ' "$build" "$round" "$scenario"
      wrk -t2 -c32 -d15s --latency -s bench/wrk/scenario.lua "http://127.0.0.1:$port" -- "$scenario" "$seed" \
        | awk '/Requests\/sec/{rps=$2} /^ +50%/{p50=$2} /^ +99%/{p99=$2} /status/{st=st" "$0} END{print rps" req/s p50 "p50" p99 "p99" |"st}'
    done
    stop
  done
done

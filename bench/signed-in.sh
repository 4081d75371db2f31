#!/usr/bin/env bash
# Signed-in readers beside anonymous ones (issue 11): seeds one fresh database through the API (bench/seed.py:
# 100 users, 1,000 articles, 5,000 comments, 2,000 favorites, 300 follows), then for each jar given runs the
# same wrk scenarios on it, one after the other: anonymous list, tag, article, comments and the mix without
# logins; signed-in list, tag, article, comments, feed and the signed-in mix (comment writes and favorites, no
# logins). Closed loop, 2 threads, 32 connections, 10 s each after a 10 s warm-up; wrk's own CPU (user+system
# seconds over the run) is printed beside each figure. Results: bench/results/signed-in-<timestamp>.txt.
#
# Usage: [BENCH_JARS="main=/path/to/quarkus-run.jar branch=target/quarkus-app/quarkus-run.jar"] bench/signed-in.sh
# Default: the jar of this checkout only. Needs PostgreSQL on 127.0.0.1:5432 (trust auth), wrk, python3, psql.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${BENCH_PORT:-8090}
db=${BENCH_DB:-ballast_signed_in}
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
jars=${BENCH_JARS:-this=target/quarkus-app/quarkus-run.jar}
java_opts=${BENCH_JAVA_OPTS:--Xmx256m -XX:MaxMetaspaceSize=128m}
pg="psql -h 127.0.0.1 -U postgres -qtA"
out=bench/out/signed-in
mkdir -p bench/results "$out"
results="bench/results/signed-in-$(date -u +%Y%m%dT%H%M%SZ).txt"
log=bench/results/signed-in-service.log

source bench/jwt-keys.sh
bench_jwt_keys "$out"

service=
stop_service() { if [ -n "$service" ]; then kill "$service" 2>/dev/null; wait "$service" 2>/dev/null || true; service=; fi; }
trap stop_service EXIT
start_service() { # jar
  QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$db" QUARKUS_DATASOURCE_USERNAME=postgres \
  QUARKUS_DATASOURCE_PASSWORD=postgres PORT=$port LOG_JSON=false \
  RATE_LIMIT_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_REQUESTS_PER_MINUTE=100000000 AUTH_RATE_LIMIT_PER_MINUTE=100000000 \
    java $java_opts -jar "$1" >>"$log" 2>&1 9>&- &
  service=$!
  for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1 && return; sleep 1; done
  echo "service did not become ready; see $log" >&2; exit 1
}

run() { # label scenario signed
  local cpu
  printf '%-34s ' "$1" | tee -a "$results"
  cpu=$( { /usr/bin/time -f "%U %S" env BENCH_SIGNED="$3" wrk -t2 -c"$connections" -d"$duration" --latency \
      -s bench/wrk/scenario.lua "http://127.0.0.1:$port" -- "$2" "$out" >"$out/wrk.txt"; } 2>&1 | tail -1)
  local rate p99 statuses errors
  rate=$(awk '/Requests\/sec/{print $2}' "$out/wrk.txt")
  p99=$(grep -oE 'p99 [0-9.]+ ms' "$out/wrk.txt" | head -1)
  statuses=$(grep -E '^status ' "$out/wrk.txt" | sed 's/status //' | paste -sd' ')
  errors=$(grep -E '^socket errors' "$out/wrk.txt" | sed 's/socket errors: //')
  echo "$rate req/s, $p99, statuses [$statuses], socket errors [$errors], wrk CPU $(echo "$cpu" | awk -v d="${duration%s}" '{printf "%.2f cores", ($1+$2)/d}')" \
    | tee -a "$results"
}

$pg -d postgres -c "drop database if exists $db" -c "create database $db"
{
  echo "# signed-in and anonymous readers, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr); $(java -version 2>&1 | head -1)"
  echo "postgres: $($pg -d postgres -c 'show server_version'); JVM options: $java_opts; wrk -t2 -c$connections -d$duration (closed loop)"
} | tee "$results"

first_jar=$(echo "$jars" | awk '{print $1}' | cut -d= -f2-)
start_service "$first_jar"
python3 bench/seed.py --api "http://127.0.0.1:$port/api" --out "$out" | tail -2 | tee -a "$results"
stop_service

for entry in $jars; do
  label=${entry%%=*}
  jar=${entry#*=}
  start_service "$jar"
  echo "## $label ($jar), load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results"
  BENCH_SIGNED=0 wrk -t2 -c"$connections" -d10s -s bench/wrk/scenario.lua "http://127.0.0.1:$port" -- mix-no-login "$out" >/dev/null
  BENCH_SIGNED=1 wrk -t2 -c"$connections" -d10s -s bench/wrk/scenario.lua "http://127.0.0.1:$port" -- signed-mix "$out" >/dev/null
  for scenario in list tag article comments mix-no-login; do run "$label anonymous $scenario" $scenario 0; done
  for scenario in list tag article comments feed signed-mix; do run "$label signed-in $scenario" $scenario 1; done
  stop_service
done
echo "results: $results"

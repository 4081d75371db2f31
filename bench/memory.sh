#!/usr/bin/env bash
# One client against a replica's heap: the packaged service with the README's memory flags (-Xmx256m,
# -XX:MaxMetaspaceSize=128m, -XX:+ExitOnOutOfMemoryError) on a fresh database; one account writes ARTICLES articles
# of CHARS CJK characters each and 500 comments of 5,000 characters on two of them (bench/memory_attack.py write);
# then for DURATION + 40 s 32 connections read those articles and their comments in a loop (wrk, scenario "views"),
# from the 20th second for DURATION a reader from another address asks for the list page 20 times a second
# (bench/memory_attack.py watch: latency from each request's intended send time) and readiness is asked every
# second. The live heap is read after a full GC (jcmd GC.run, then GC.heap_info) under the attack once the reader
# has stopped, and at the end, beside the bytes the caches say they hold.
# The service's rate limits are its defaults, as a user's replica has them (the writer waits out its 429s); with
# LIMITS=raised they are lifted, and the attack runs at full speed. Results: bench/results/memory-<time>.txt.
#
# Usage: [JAR=target/quarkus-app/quarkus-run.jar] [ARTICLES=400] [CHARS=100000] [DURATION=60] [LIMITS=raised] bench/memory.sh
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth), wrk, python3, psql, and the JDK's jcmd.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=${JAR:-target/quarkus-app/quarkus-run.jar}
articles=${ARTICLES:-400} chars=${CHARS:-100000} duration=${DURATION:-60}
port=${BENCH_PORT:-8096}
management_port=${MANAGEMENT_PORT:-9000} # health and metrics: the management interface
db=ballast_memory
java_opts="-Xmx256m -XX:MaxMetaspaceSize=128m -XX:+ExitOnOutOfMemoryError ${BENCH_JAVA_EXTRA:-}"
out=bench/out/memory
mkdir -p bench/results "$out"
results="bench/results/memory-$(date -u +%Y%m%dT%H%M%SZ).txt"
log="$out/service.log"
: >"$log"
source bench/jwt-keys.sh
bench_jwt_keys "$out"
service=
stop_service() { if [ -n "$service" ]; then kill "$service" 2>/dev/null; wait "$service" 2>/dev/null || true; service=; fi; }
trap stop_service EXIT
limits=()
[ "${LIMITS:-}" = raised ] && limits=(RATE_LIMIT_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_IN_FLIGHT_MAX=100000000
  AUTH_RATE_LIMIT_PER_MINUTE=100000000)
start_service() { # jar
  env QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$db" QUARKUS_DATASOURCE_USERNAME=postgres \
    QUARKUS_DATASOURCE_PASSWORD=postgres PORT=$port MANAGEMENT_PORT=$management_port LOG_JSON=false "${limits[@]}" \
    java $java_opts -jar "$1" >>"$log" 2>&1 &
  service=$!
  for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$management_port/q/health/ready" >/dev/null 2>&1 && return; sleep 1; done
  echo "service did not become ready; see $log" >&2; exit 1
}

heap() { # label: the heap in use after a full GC, and what the caches hold
  if ! kill -0 "$service" 2>/dev/null; then echo "$1: the service is DOWN" | tee -a "$results"; return; fi
  jcmd "$service" GC.run >/dev/null
  echo "$1: $(jcmd "$service" GC.heap_info | grep -E 'total|used' | head -2 | tr -s ' ' | paste -sd';')" | tee -a "$results"
  echo "$1: caches hold $(curl -fs "http://127.0.0.1:$management_port/q/metrics" | awk '/^ballast_cache_bytes\{/ {n += $2} END {printf "%.1f MiB", n / 1048576}')" \
    | tee -a "$results"
}

psql -h 127.0.0.1 -U postgres -qtA -d postgres -c "drop database if exists $db with (force)" -c "create database $db"
{
  echo "# bench/memory.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), $(git rev-parse --short HEAD)"
  echo "# $(nproc) cores; JVM options: $java_opts; $articles articles of $chars characters; $duration s of 32 connections;" \
       "rate limits ${LIMITS:-as by default}"
} | tee "$results"
start_service "$jar"
heap "ready, before the writes"
python3 bench/memory_attack.py write --base "http://127.0.0.1:$port" --out "$out" --articles "$articles" --chars "$chars" \
  | tee -a "$results"
# The reader starts once the attack has run 20 s (a warm replica, as an attack finds it); the attack goes on 20 s
# after the reader stops, and its heap is read then (a full GC pauses every request).
BENCH_SIGNED=0 /usr/bin/time -f "%U %S" -o "$out/wrk-cpu.txt" wrk -t2 -c32 -d"$((duration + 40))s" \
  -s bench/wrk/scenario.lua "http://127.0.0.1:$port" -- views "$out" >"$out/wrk.txt" 2>&1 &
attack=$!
sleep 20
python3 bench/memory_attack.py watch --base "http://127.0.0.1:$port" --management "http://127.0.0.1:$management_port" --seconds "$duration" >"$out/watch.txt"
sleep 5
heap "under the attack"
wait $attack
echo "wrk's own CPU: $(awk -v d=$((duration + 40)) '{printf "%.2f cores", ($1 + $2) / d}' "$out/wrk-cpu.txt")" | tee -a "$results"
grep -E 'requests in|^status|^socket|^p50' "$out/wrk.txt" | tee -a "$results"
tee -a "$results" <"$out/watch.txt"
heap "after the attack"
kill -0 "$service" 2>/dev/null && echo "the service is up" | tee -a "$results" \
  || echo "the service is DOWN: $(grep -c OutOfMemoryError "$log") OutOfMemoryError lines in $log" | tee -a "$results"
stop_service
echo "results: $results"

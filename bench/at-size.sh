#!/usr/bin/env bash
# The hot endpoints at the 1,000-article bench data and again at size (bench/generate.sh), against the same
# service and database, so the two are comparable. Steps (each is one call, to keep each under 10 minutes):
#   bench/at-size.sh prepare     fresh database, packaged service started on BENCH_PORT, seeded by seed.py
#                                (run it outside /work/tools/cpu-bench: the service would inherit the lock)
#   bench/at-size.sh measure L   every hot endpoint, signed-in (uncached) and anonymous; results/at-size-L.txt
#   bench/at-size.sh generate    bench/generate.sh on the same database (1M articles...), then VACUUM ANALYZE
#   bench/at-size.sh explain L   EXPLAIN (ANALYZE, BUFFERS) of each hot statement; results/explain-L.txt
#   bench/at-size.sh stop, start  stop the service; start it again on the same database (a new jar)
# BENCH_JAR (target/quarkus-app/quarkus-run.jar) is the service started: another build's, to measure two builds
# on the same data one after the other (an older build ignores the migrations it does not know).
# Needs the packaged jar, Postgres on 127.0.0.1:5432 (trust), wrk, python3. Loads only 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${BENCH_PORT:-18800}
management_port=${MANAGEMENT_PORT:-9000} # health and metrics: the management interface
db=${BENCH_DB:-ballast_issue8}
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
java_opts=${BENCH_JAVA_OPTS:--XX:+UseSerialGC -Xms136m -Xmx136m -XX:MaxMetaspaceSize=80m -XX:ReservedCodeCacheSize=40m -XX:MaxDirectMemorySize=32m -Xss512k}
out=bench/out/at-size
pg="psql -h 127.0.0.1 -U postgres -qtA -d $db"
mkdir -p bench/results "$out"

start_service() { # outside /work/tools/cpu-bench: the service would inherit its lock
  JWT_PRIVATE_KEY="$(cat "$out/jwt-private.pem")" JWT_PUBLIC_KEY="$(cat "$out/jwt-public.pem")" \
  QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$db" QUARKUS_DATASOURCE_USERNAME=postgres \
  QUARKUS_DATASOURCE_PASSWORD=postgres PORT=$port MANAGEMENT_PORT=$management_port LOG_JSON=false \
  RATE_LIMIT_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_IN_FLIGHT_MAX=100000000 AUTH_RATE_LIMIT_PER_MINUTE=100000000 MALLOC_ARENA_MAX=1 \
    nohup java $java_opts -jar "${BENCH_JAR:-target/quarkus-app/quarkus-run.jar}" >"$out/service.log" 2>&1 &
  echo $! >"$out/service.pid"
  for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$management_port/q/health/ready" >/dev/null 2>&1 && break; sleep 1; done
}

case "${1:?step}" in
prepare)
  psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db" -c "create database $db"
  if [ ! -f "$out/jwt-private.pem" ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/jwt-private.pem" 2>/dev/null
    openssl pkey -in "$out/jwt-private.pem" -pubout -out "$out/jwt-public.pem"
  fi
  start_service
  python3 bench/seed.py --api "http://127.0.0.1:$port/api" --out "$out"
  ;;
start)
  start_service
  ;;
measure)
  results="bench/results/at-size-${2:?label}.txt"
  {
    echo "# hot endpoints, $2, $(date -u '+%Y-%m-%d %H:%M UTC'), wrk -t2 -c$connections -d$duration"
    echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "data: $($pg -c "select count(*) || ' articles, ' || (select count(*) from comments) || ' comments, ' || (select count(*) from users) || ' users' from articles")"
  } | tee "$results"
  wrk -t2 -c$connections -d5s -s bench/wrk/scenario.lua "http://127.0.0.1:$port" -- list "$out" >/dev/null # warm-up
  # scenario:signed (1: with a token); BENCH_EXTRA adds more, e.g. "deep:1 mix:1"
  for run in list:0 list:1 tag:1 author:1 favorited:1 feed:1 article:1 comments:1 ${BENCH_EXTRA:-}; do
    set -- ${run/:/ }
    echo "## $1 $([ "$2" = 1 ] && echo signed-in || echo anonymous)" | tee -a "$results"
    BENCH_SIGNED=$2 wrk -t2 -c$connections -d$duration --latency -s bench/wrk/scenario.lua "http://127.0.0.1:$port" -- "$1" "$out" \
      | grep -E "Requests/sec|status|socket errors|p50" | tee -a "$results"
  done
  ;;
generate)
  bench/generate.sh "$db" 2>&1 | tee bench/results/at-size-generate.txt
  # By-author pages at size: the 50 most prolific authors, as well as the bench users.
  { $pg -c "select username from users order by articles_count desc limit 50"; sed 's/@.*//' "$out/users.txt"; } >"$out/authors.txt"
  ;;
explain)
  bench/explain.sh "$db" "$(head -1 "$out/users.txt" | sed 's/@.*//')" | tee "bench/results/explain-${2:?label}.txt"
  ;;
stop)
  kill "$(cat "$out/service.pid")"
  ;;
esac

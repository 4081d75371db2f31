#!/usr/bin/env bash
# The overload run measured with Gatling, which reports the latency of the served (2xx) requests apart from
# the rejected ones (wrk cannot). Uses the database and data that bench/run.sh seeded (ballast_bench,
# bench/out), starts the packaged jar with the same options, warms it up with wrk, then runs bench/gatling
# twice: the mix at a fixed rate of 2,000 requests a second (open model, 30 s), then 256 connections sending
# the mix back to back for 30 s.
# Usage: bench/run.sh first, then bench/overload-gatling.sh   (BENCH_USERS, BENCH_SECONDS to change the load)
set -euo pipefail
cd "$(dirname "$0")/.."

port=${BENCH_PORT:-8090}
management_port=${MANAGEMENT_PORT:-9000} # health and metrics: the management interface
db=${BENCH_DB:-ballast_bench}
java_opts=${BENCH_JAVA_OPTS:--XX:+UseSerialGC -Xms136m -Xmx136m -XX:MaxMetaspaceSize=80m -XX:ReservedCodeCacheSize=40m -XX:MaxDirectMemorySize=32m -Xss512k}
[ -f bench/out/slugs.txt ] || { echo "run bench/run.sh first: it seeds $db and writes bench/out"; exit 1; }

JWT_PRIVATE_KEY="$(cat bench/out/jwt-private.pem)" JWT_PUBLIC_KEY="$(cat bench/out/jwt-public.pem)" \
QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$db" QUARKUS_DATASOURCE_USERNAME=postgres \
QUARKUS_DATASOURCE_PASSWORD=postgres PORT=$port MANAGEMENT_PORT=$management_port LOG_JSON=false MALLOC_ARENA_MAX=1 \
RATE_LIMIT_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_IN_FLIGHT_MAX=100000000 AUTH_RATE_LIMIT_PER_MINUTE=100000000 \
  java $java_opts -jar target/quarkus-app/quarkus-run.jar >bench/results/service-gatling.log 2>&1 &
service=$!
trap 'kill $service 2>/dev/null; wait $service 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$management_port/q/health/ready" >/dev/null 2>&1 && break
  kill -0 $service 2>/dev/null || { tail -5 bench/results/service-gatling.log; echo "the service did not start"; exit 1; }
  sleep 1
done

echo "# Gatling overload, $(date -u '+%Y-%m-%d %H:%M UTC'); JVM options: $java_opts (MALLOC_ARENA_MAX=1)"
wrk -t2 -c32 -d20s -s bench/wrk/scenario.lua "http://127.0.0.1:$port" -- mix bench/out >/dev/null
gatling() { # extra -D options
  (cd bench/gatling && ../../mvnw -B -q gatling:test -DbaseUrl="http://127.0.0.1:$port" -Ddata="$PWD/../out" "$@") \
    | grep -E "request count|mean response|percentile|t >=|found" | tail -10
}
echo "## the mix at a fixed rate of ${BENCH_RATE:=2000} requests a second for 30 s (open model)"
gatling -Drate="$BENCH_RATE" -Dseconds=30
echo "## overload: ${BENCH_USERS:-256} connections back to back for ${BENCH_SECONDS:-30} s"
gatling -Dusers="${BENCH_USERS:-256}" -Dseconds="${BENCH_SECONDS:-30}"
echo "resident memory: $(( $(awk '/VmRSS/{print $2}' /proc/$service/status) / 1024 )) MB"

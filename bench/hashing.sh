#!/usr/bin/env bash
# Logins and registrations on an otherwise idle replica, every protection at its default: 8 registrations of
# one user sent at once, 16 logins sent at once, then logins offered at 3 a second for 30 s (wrk2, open
# model, 2 connections). Prints the statuses and times of each. With READ_RATE=n, anonymous list pages are
# offered at n a second for 60 s (wrk2, from 10 s before the bursts to past the logins), as a light read load
# beside them; its latencies are printed at the end.
#
# Needs: the packaged jar (./mvnw -B package -DskipTests, or BENCH_JAR), PostgreSQL on 127.0.0.1:5432 with
# trust auth, wrk2 (WRK2: its binary), curl. Usage: bench/hashing.sh [NAME=value ...] (extra settings for the
# service, e.g. ADMISSION_QUEUE_TIMEOUT=5s REQUEST_TIMEOUT=30s on a machine whose other processes keep the
# event loops late and bcrypt slow). BENCH_RUN_AS: a command that runs the service as another user, as in
# bench/open-model.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${BENCH_PORT:-19100}
management_port=${MANAGEMENT_PORT:-9000} # health and metrics: the management interface
db=${BENCH_DB:-ballast_hashing}
jar=${BENCH_JAR:-target/quarkus-app/quarkus-run.jar}
wrk2=${WRK2:-/work/tools/wrk2/wrk}
java_opts=${BENCH_JAVA_OPTS:--XX:+UseSerialGC -Xms136m -Xmx136m -XX:MaxMetaspaceSize=80m -XX:ReservedCodeCacheSize=40m -XX:MaxDirectMemorySize=32m -Xss512k}
url="http://127.0.0.1:$port"
management="http://127.0.0.1:$management_port"
out=$(mktemp -d)
pg="psql -h 127.0.0.1 -U postgres -qtA"

$pg -d postgres -c "drop database if exists $db" -c "create database $db"
# Rate limits are raised: one address plays every client (and one account every login: the per-account
# guard against guessing is RateLimitTest's; this measures hashing capacity).
env QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$db" QUARKUS_DATASOURCE_USERNAME=postgres \
  QUARKUS_DATASOURCE_PASSWORD=postgres PORT=$port MANAGEMENT_PORT=$management_port LOG_JSON=false \
  RATE_LIMIT_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_IN_FLIGHT_MAX=100000000 AUTH_RATE_LIMIT_PER_MINUTE=100000000 LOGIN_FAILURES_FREE=100000000 MALLOC_ARENA_MAX=1 "$@" \
  ${BENCH_RUN_AS:-} java $java_opts -jar "$jar" >"$out/service.log" 2>&1 &
service=$!
trap 'kill $service 2>/dev/null; wait $service 2>/dev/null || true; rm -rf "$out"' EXIT
for _ in $(seq 1 60); do curl -fs "$management/q/health/ready" >/dev/null 2>&1 && break; sleep 1; done

post() { # path body: prints "status seconds"
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' -d "$2" "$url$1"
}
export -f post
export url
summary() { # reads "status seconds" lines
  sort | awk '{count[$1]++; if ($2 > max) max = $2} END {for (s in count) printf "%s x%d, ", s, count[s]; printf "slowest %.2f s\n", max}'
}
at_once() { # count path body
  seq "$1" | xargs -P "$1" -I{} bash -c 'post "$0" "$1"' "$2" "$3" | summary
}
refusals() { # every refusal counted so far, by reason (none: nothing refused)
  echo "  refusals so far: $(curl -s "$management/q/metrics" | grep -E '^ballast_(admission_rejections|password_rejections|rejections|db_calls_failed)_total' \
    | awk '$2 > 0 {printf "%s %d; ", $1, $2}')"
}

echo "# hashing on an idle replica, $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg); settings: ${*:-defaults}"
grep -o 'Password hashing:.*' "$out/service.log" || true
email=bench-login@example.com
echo -n "warm-up: a registration (repeated until 201), then 5 logins one after another: "
{
  for _ in $(seq 10); do
    answer=$(post /api/users "{\"user\":{\"username\":\"bench-login\",\"email\":\"$email\",\"password\":\"bench-password\"}}")
    echo "$answer"
    [ "${answer%% *}" = 201 ] && break
    sleep 1
  done
  for _ in 1 2 3 4 5; do post /api/users/login "{\"user\":{\"email\":\"$email\",\"password\":\"bench-password\"}}"; done
} | summary

if [ -n "${READ_RATE:-}" ]; then
  for file in tokens slugs tags users; do echo none > "$out/$file.txt"; done
  "$wrk2" -t1 -c16 -d60s -R"$READ_RATE" -s bench/wrk/scenario.lua "$url" -- list "$out" >"$out/reads.txt" 2>&1 &
  reads=$!
  sleep 10 # the read load is under way (and warm) before the bursts
  echo "beside anonymous list pages offered at $READ_RATE a second for 60 s (wrk2 -t1 -c16 -R$READ_RATE):"
fi
echo -n "8 registrations of one user at once: "
at_once 8 /api/users '{"user":{"username":"bench-race","email":"bench-race@example.com","password":"bench-password"}}'
refusals
sleep 2
echo -n "16 logins at once: "
at_once 16 /api/users/login "{\"user\":{\"email\":\"$email\",\"password\":\"bench-password\"}}"
refusals
sleep 2

echo "$email" > "$out/users.txt"
for file in tokens slugs tags; do echo none > "$out/$file.txt"; done
# Two connections and a 10 s timeout: wrk2 counts a connection idle longer than its timeout (2 s by default)
# as a timeout, and at a few requests a second spread over many connections each one is idle that long.
echo "logins at 3 a second for 30 s (wrk2 -t1 -c2 -R3 --timeout 10s):"
"$wrk2" -t1 -c2 -d30s -R3 --timeout 10s -s bench/wrk/scenario.lua "$url" -- login "$out" | grep -E '^status|^p50|errors'
refusals
if [ -n "${reads:-}" ]; then
  wait "$reads" || true
  echo "the list pages beside them: $(grep -E '^status|^p50' "$out/reads.txt" | paste -sd';')"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

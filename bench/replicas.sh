#!/usr/bin/env bash
# Statelessness, proven on one machine: three replicas of the packaged jar (127.0.0.1:8081-8083) behind
# nginx (127.0.0.1:8088) and one Postgres (127.0.0.1:5432), then:
#   1. a token issued by one replica works on the others;
#   2. a write through one replica is read through another within CACHE_TTL;
#   3. under a steady workload through nginx, SIGTERM to one replica fails no request;
#   4. SIGKILL to one replica fails at most the requests in flight on it (nginx retries idempotent ones);
#   5. pg_stat_activity never shows more connections than the replicas' budget.
# Needs the packaged jar, PostgreSQL with trust auth, nginx, wrk, python3, openssl. Usage: bench/replicas.sh
set -euo pipefail
cd "$(dirname "$0")/.."

db=ballast_replicas
lb=8088
ports=(8081 8082 8083)
management_base=${MANAGEMENT_PORT:-9000} # health: the management interface, one port per replica
management_ports=($management_base $((management_base + 1)) $((management_base + 2)))
pool=10
flyway_pool=2
cache_ttl=5
work=$(mktemp -d)
results=bench/results/replicas-$(date -u +%Y%m%dT%H%M%SZ).txt
mkdir -p bench/results
pg="psql -h 127.0.0.1 -U postgres -qtA"
pids=(0 0 0)

say() { echo "$*" | tee -a "$results"; }
fail() { say "FAILED: $*"; exit 1; }

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  [ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

$pg -d postgres -c "drop database if exists $db" -c "create database $db"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/jwt.pem" 2>/dev/null
openssl pkey -in "$work/jwt.pem" -pubout -out "$work/jwt.pub"

start_replica() { # index
  local i=$1
  QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$db" QUARKUS_DATASOURCE_USERNAME=postgres \
  QUARKUS_DATASOURCE_PASSWORD=postgres PORT=${ports[$i]} MANAGEMENT_PORT=${management_ports[$i]} LOG_JSON=false DB_POOL_MAX=$pool DB_POOL_MIN=2 \
  QUARKUS_DATASOURCE_JDBC_MAX_SIZE=$flyway_pool CACHE_TTL=${cache_ttl}S SHUTDOWN_DELAY=2S SHUTDOWN_TIMEOUT=10S \
  RATE_LIMIT_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_IN_FLIGHT_MAX=100000000 AUTH_RATE_LIMIT_PER_MINUTE=100000000 MALLOC_ARENA_MAX=2 \
  JWT_PRIVATE_KEY="$(cat "$work/jwt.pem")" JWT_PUBLIC_KEY="$(cat "$work/jwt.pub")" \
    java -XX:+UseSerialGC -Xmx128m -jar target/quarkus-app/quarkus-run.jar >>"$work/replica$i.log" 2>&1 &
  pids[$i]=$!
}
await_ready() { # management port
  for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$1/q/health/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done
  return 1
}

for i in 0 1 2; do start_replica $i; done
for i in 0 1 2; do await_ready "${management_ports[$i]}" || fail "replica $i did not start: $(tail -5 "$work/replica$i.log")"; done

cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 2048; }
http {
  access_log off;
  client_body_temp_path $work/body; proxy_temp_path $work/proxy; fastcgi_temp_path $work/fastcgi;
  uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
  upstream ballast {
    server 127.0.0.1:${ports[0]} max_fails=1 fail_timeout=3s;
    server 127.0.0.1:${ports[1]} max_fails=1 fail_timeout=3s;
    server 127.0.0.1:${ports[2]} max_fails=1 fail_timeout=3s;
  }
  server {
    listen 127.0.0.1:$lb;
    location / {
      proxy_pass http://ballast;
      # A refused or broken connection moves an idempotent request to the next replica; a POST already
      # sent is not repeated (nginx's default), so a write is never applied twice.
      proxy_next_upstream error timeout http_502;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 1s;
      proxy_read_timeout 15s;
    }
  }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work" || fail "nginx did not start"

{
  echo "# ballast: three replicas behind nginx, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); $(nginx -v 2>&1); postgres $($pg -d postgres -c 'show server_version')"
  echo "replicas on ${ports[*]}, nginx on $lb, pool $pool + Flyway $flyway_pool per replica, CACHE_TTL ${cache_ttl}s"
} | tee "$results"

# Connections of ballast's database, sampled every 0.2 s for the whole run.
( while true; do $pg -d postgres -c "select count(*) from pg_stat_activity where datname = '$db'" >>"$work/connections" 2>/dev/null; sleep 0.2; done ) &
sampler=$!

api() { echo "http://127.0.0.1:$1/api"; }
json() { python3 -c "import sys,json; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }

say "## 1. a token from one replica works on the others"
name="replica$(date +%s)"
token=$(curl -fs -XPOST "$(api "${ports[0]}")/users" -H 'Content-Type: application/json' \
  -d "{\"user\":{\"username\":\"$name\",\"email\":\"$name@example.com\",\"password\":\"password1234\"}}" | json '["user"]["token"]')
for port in "${ports[@]}"; do
  status=$(curl -s -o /dev/null -w '%{http_code}' "$(api "$port")/user" -H "Authorization: Token $token")
  say "GET /api/user on :$port with the token from :${ports[0]} -> $status"
  [ "$status" = 200 ] || fail "token not accepted on :$port"
done

say "## 2. a write through one replica is read through another"
slug=$(curl -fs -XPOST "$(api "${ports[0]}")/articles" -H "Authorization: Token $token" -H 'Content-Type: application/json' \
  -d '{"article":{"title":"Across replicas","description":"d","body":"first body","tagList":["replicas"]}}' | json '["article"]["slug"]')
body=$(curl -fs "$(api "${ports[1]}")/articles/$slug" | json '["article"]["body"]')
say "created on :${ports[0]}, read on :${ports[1]} -> body '$body'"
[ "$body" = "first body" ] || fail "write not visible on another replica"
curl -fs -XPUT "$(api "${ports[2]}")/articles/$slug" -H "Authorization: Token $token" -H 'Content-Type: application/json' \
  -d '{"article":{"body":"second body"}}' >/dev/null
start=$(date +%s.%N)
while :; do
  body=$(curl -fs "$(api "${ports[1]}")/articles/$slug" | json '["article"]["body"]')
  [ "$body" = "second body" ] && break
  awk "BEGIN{exit !($(date +%s.%N) - $start > $cache_ttl + 1)}" && fail "update not visible on :${ports[1]} after ${cache_ttl}s"
  sleep 0.1
done
say "updated on :${ports[2]}, visible on :${ports[1]} (which had cached the old body) after $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $start}") s (CACHE_TTL ${cache_ttl} s)"

say "## seeding through nginx"
python3 bench/seed.py --api "$(api $lb)" --out "$work/data" --users 30 --articles 200 --comments 300 \
  --favorites 200 --follows 60 2>&1 | tee -a "$results"

workload() { # seconds -> wrk summary lines
  wrk -t2 -c16 -d"$1"s -s bench/wrk/scenario.lua "http://127.0.0.1:$lb" -- mix "$work/data" 2>&1 \
    | grep -E "Requests/sec|status|socket errors|p50"
}

say "## 3. SIGTERM to one replica under a steady workload (30 s, mix, 16 connections through nginx)"
workload 30 >"$work/term.txt" &
load=$!
sleep 10
kill -TERM "${pids[1]}"; say "t=10s: SIGTERM to :${ports[1]}"
wait "${pids[1]}" 2>/dev/null || true
say ":${ports[1]} finished its in-flight requests and exited; restarting it"
start_replica 1
await_ready "${management_ports[1]}" || fail "replica 1 did not restart"
say ":${ports[1]} ready again"
wait $load
tee -a "$results" <"$work/term.txt"
grep -q "socket errors: connect 0, read 0, write 0, timeout 0" "$work/term.txt" || fail "socket errors during SIGTERM"
if grep -E "^status" "$work/term.txt" | grep -vq "^status 200:"; then fail "non-200 responses during SIGTERM"; fi

say "## 4. SIGKILL to one replica under the same workload (20 s)"
workload 20 >"$work/kill.txt" &
load=$!
sleep 8
kill -KILL "${pids[2]}"; say "t=8s: SIGKILL to :${ports[2]}"
wait "${pids[2]}" 2>/dev/null || true
start_replica 2
await_ready "${management_ports[2]}" || fail "replica 2 did not restart"
say ":${ports[2]} restarted and ready"
wait $load
tee -a "$results" <"$work/kill.txt"
failed=$(awk '/^status/ && $2 != "200:" {n += $3} /socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$work/kill.txt")
say "requests failed by the SIGKILL: $failed"

kill "$sampler" 2>/dev/null || true
sampler=
max=$(sort -n "$work/connections" | tail -1)
budget=$(( 4 * (pool + flyway_pool) ))
say "## 5. connections: at most $max in pg_stat_activity for $db, budget (3 replicas + 1 restarting) x ($pool + $flyway_pool) = $budget"
[ "$max" -le "$budget" ] || fail "over the connection budget"
say "all checks passed; results in $results"

#!/usr/bin/env bash
# What one account changing its profile at its full rate limit costs the anonymous readers. Seeds a fresh
# database through the API (bench/seed.py), then measures the anonymous mix (mix-no-login, closed loop, wrk -t2
# -c32) alone and with an updater beside it: the first seeded account sending PUT /api/user with its bio
# alternating between two values (each one a change others see, so each empties that author's views on this
# replica), paced at UPDATER_PER_MINUTE (default 1,200, the default per-account limit; the service runs with
# raised limits since one address plays every client, so the updater paces itself). Alone and beside run
# BENCH_ROUNDS times, alternating, after a warm-up; the mix's throughput (2xx answers a second) of each run, the
# updater's achieved rate and statuses, and the ratio beside/alone are printed. Results: bench/results/profile-updates-<timestamp>.txt.
#
# Usage: [BENCH_JAR=target/quarkus-app/quarkus-run.jar] [BENCH_DURATION=20s] [BENCH_ROUNDS=3] \
#        [BENCH_SEED_ARGS="--users 20 --articles 200"] bench/profile-updates.sh
# Needs the packaged jar, PostgreSQL on 127.0.0.1:5432 (trust auth), wrk, python3, psql. Loads only 127.0.0.1.
# Run it on a quiet machine: the load generators, the service and Postgres share the cores.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${BENCH_PORT:-8090}
db=${BENCH_DB:-ballast_profile_updates}
duration=${BENCH_DURATION:-20s}
connections=${BENCH_CONNECTIONS:-32}
rounds=${BENCH_ROUNDS:-3}
per_minute=${UPDATER_PER_MINUTE:-1200}
jar=${BENCH_JAR:-target/quarkus-app/quarkus-run.jar}
java_opts=${BENCH_JAVA_OPTS:--Xmx256m -XX:MaxMetaspaceSize=128m}
pg="psql -h 127.0.0.1 -U postgres -qtA"
out=bench/out/profile-updates
mkdir -p bench/results "$out"
results="bench/results/profile-updates-$(date -u +%Y%m%dT%H%M%SZ).txt"
log=bench/results/profile-updates-service.log
url="http://127.0.0.1:$port"
# Two updater connections, each pausing between requests: at most per_minute requests a minute in all.
updater_connections=2
updater_pause_ms=$(( updater_connections * 60000 / per_minute ))
seconds=${duration%s}

source bench/jwt-keys.sh
bench_jwt_keys "$out"
source bench/service.sh

$pg -d postgres -c "drop database if exists $db" -c "create database $db"
{
  echo "# one account's profile updates beside the anonymous mix, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr); $(java -version 2>&1 | head -1)"
  echo "postgres: $($pg -d postgres -c 'show server_version'); JVM options: $java_opts; jar: $jar"
  echo "mix: mix-no-login, anonymous, wrk -t2 -c$connections -d$duration (closed loop); updater: PUT /api/user,"
  echo "  $updater_connections connections pausing $updater_pause_ms ms (at most $per_minute a minute)"
} | tee "$results"

start_service "$jar"
python3 bench/seed.py --api "$url/api" --out "$out" ${BENCH_SEED_ARGS:-} | tail -2 | tee -a "$results"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results"
BENCH_SIGNED=0 wrk -t2 -c"$connections" -d10s -s bench/wrk/scenario.lua "$url" -- mix-no-login "$out" >/dev/null

mix() { # label: runs the mix once, prints and records its throughput (answers with a 2xx status a second)
  BENCH_SIGNED=0 wrk -t2 -c"$connections" -d"$duration" --latency -s bench/wrk/scenario.lua "$url" -- mix-no-login "$out" \
    >"$out/mix.txt"
  local rate served statuses
  rate=$(awk '/Requests\/sec/{print $2}' "$out/mix.txt")
  served=$(awk -v s="$seconds" '/^status 2[0-9][0-9]:/{n += $3} END {printf "%.1f", n / s}' "$out/mix.txt")
  statuses=$(grep -E '^status ' "$out/mix.txt" | sed 's/status //' | paste -sd' ')
  printf '%-8s mix %s req/s served (%s answered), %s, statuses [%s]\n' "$1" "$served" "$rate" \
    "$(grep -oE 'p99 [0-9.]+ ms' "$out/mix.txt")" "$statuses" | tee -a "$results"
  echo "$1 $served" >>"$out/rates.txt"
}

: >"$out/rates.txt"
for round in $(seq 1 "$rounds"); do
  mix alone
  # The updater runs a second longer on each side than the mix.
  BENCH_PAUSE_MS=$updater_pause_ms wrk -t1 -c$updater_connections -d$(( seconds + 2 ))s -s bench/wrk/scenario.lua "$url" \
    -- profile-update "$out" >"$out/updater.txt" &
  updater=$!
  sleep 1
  mix beside
  wait $updater
  printf '         updater %s req/s, statuses [%s]\n' "$(awk '/Requests\/sec/{print $2}' "$out/updater.txt")" \
    "$(grep -E '^status ' "$out/updater.txt" | sed 's/status //' | paste -sd' ')" | tee -a "$results"
done
python3 - "$out/rates.txt" <<'PY' | tee -a "$results"
import sys
rates = {"alone": [], "beside": []}
for line in open(sys.argv[1]):
    label, rate = line.split()
    rates[label].append(float(rate))
alone = sum(rates["alone"]) / len(rates["alone"])
beside = sum(rates["beside"]) / len(rates["beside"])
print(f"mix throughput (2xx a second): alone {alone:.0f} req/s, beside the updater {beside:.0f} req/s "
      f"(mean of {len(rates['alone'])} runs each): beside/alone = {beside / alone:.3f}")
PY
echo "results: $results"

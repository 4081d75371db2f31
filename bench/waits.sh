#!/usr/bin/env bash
# Where a database's sessions spend their time while a load runs: samples pg_stat_activity (every 50 ms) and the
# lock requests waiting in pg_locks, for SECONDS, then prints the share of samples per state and wait event, the
# lock types waited for, and the deadlocks Postgres detected meanwhile (pg_stat_database). Start the load first.
# Usage: bench/waits.sh DATABASE SECONDS   (PostgreSQL on 127.0.0.1:5432, trust auth; needs psql)
set -euo pipefail
db=${1:?usage: bench/waits.sh DATABASE SECONDS} seconds=${2:?usage: bench/waits.sh DATABASE SECONDS}
pg="psql -h 127.0.0.1 -U postgres -qtA -v ON_ERROR_STOP=1 -d $db"
samples=$(mktemp)
trap 'rm -f "$samples"' EXIT
deadlocks() { $pg -c "select deadlocks from pg_stat_database where datname = current_database()"; }
before=$(deadlocks)
# One session samples, so that sampling costs one connection and no start-up per sample.
{
  for _ in $(seq 1 $((seconds * 20))); do
    echo "select 'activity', coalesce(replace(state, ' ', '-'), '-'), coalesce(wait_event_type, 'CPU'), coalesce(wait_event, '-')
          from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid();"
    echo "select 'lock', locktype, mode, '-' from pg_locks where not granted;"
    echo "select pg_sleep(0.05);"
  done
} | $pg -F ' ' >"$samples"
sleep 1 # the deadlock count is flushed by the sessions that saw one, within a second
after=$(deadlocks)
echo "sessions of $db over ${seconds}s, sampled every 50 ms: share of samples by state and wait event"
awk '$1 == "activity" {n++; count[$2 " " $3 " " $4]++} END {for (k in count) printf "  %5.1f %%  %s\n", 100 * count[k] / n, k}' "$samples" | sort -rn
echo "lock requests waiting, by lock type and mode (samples)"
awk '$1 == "lock" {count[$2 " " $3]++} END {for (k in count) printf "  %6d  %s\n", count[k], k}' "$samples" | sort -rn
echo "deadlocks detected: $((after - before))"

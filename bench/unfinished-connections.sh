#!/usr/bin/env bash
# Issue item 5, as an attacker would: 20,000 unfinished requests (two processes of 10,000, since one
# process may hold at most ulimit -n descriptors) from 127.0.0.1, while another client (curl, from
# 127.0.0.2) asks for /api/tags every 100 ms. Needs the packaged jar and the database seeded by
# bench/open-model.sh seed. Run it inside /work/tools/cpu-bench. Usage: bench/unfinished-connections.sh
set -u
cd "$(dirname "$0")/.."
out=bench/out/open-model
export JWT_PRIVATE_KEY="$(cat $out/jwt-private.pem)" JWT_PUBLIC_KEY="$(cat $out/jwt-public.pem)"
QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/ballast_issue10" QUARKUS_DATASOURCE_USERNAME=postgres \
QUARKUS_DATASOURCE_PASSWORD=postgres PORT=19001 MANAGEMENT_PORT=${MANAGEMENT_PORT:-9000} LOG_JSON=false MALLOC_ARENA_MAX=1 \
  java -XX:+UseSerialGC -Xms136m -Xmx136m -XX:MaxMetaspaceSize=80m -XX:ReservedCodeCacheSize=40m -XX:MaxDirectMemorySize=32m -Xss512k \
  -jar target/quarkus-app/quarkus-run.jar > bench/results/unfinished-service.log 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
svc=$!
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:${MANAGEMENT_PORT:-9000}/q/health/ready" >/dev/null 2>&1 && break; sleep 1; done
echo "service fd limit: $(grep 'open files' /proc/$svc/limits)"
echo "before: other client $(curl -s -o /dev/null -w '%{http_code} in %{time_total}s' --interface 127.0.0.2 http://127.0.0.1:19001/api/tags)"
python3 bench/unfinished-connections.py 19001 10000 none > /tmp/unf-a.txt 2>&1 &
a=$!
python3 bench/unfinished-connections.py 19001 10000 none > /tmp/unf-b.txt 2>&1 &
b=$!
# the other client: its own process, a new connection every 100 ms for 12 s
for i in $(seq 1 120); do curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 5 --interface 127.0.0.2 http://127.0.0.1:19001/api/tags; sleep 0.1; done > /tmp/unf-probe.txt
wait $a $b; cat /tmp/unf-a.txt /tmp/unf-b.txt
sort -k2 -n /tmp/unf-probe.txt | awk '{n++; s[n]=$2; c[$1]++} END {printf "other client (curl from 127.0.0.2, every 100 ms): %d requests, statuses:", n; for (k in c) printf " %s x%d", k, c[k]; printf "; time min %.1f, median %.1f, p90 %.1f, max %.1f ms\n", s[1]*1000, s[int(n/2)]*1000, s[int(n*0.9)]*1000, s[n]*1000}'
awk '$2 > 0.1' /tmp/unf-probe.txt | head
echo "after: other client $(curl -s -o /dev/null -w '%{http_code} in %{time_total}s' --interface 127.0.0.2 http://127.0.0.1:19001/api/tags); server fds open: $(ls /proc/$svc/fd | wc -l)"
curl -s "http://127.0.0.1:${MANAGEMENT_PORT:-9000}/q/metrics" | grep -E "^ballast_connections"
kill $svc; wait $svc 2>/dev/null

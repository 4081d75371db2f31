# Sourced by the bench scripts: starts and stops the packaged service on PostgreSQL at 127.0.0.1:5432 (database
# $db), listening on $port (health on $management_port, default MANAGEMENT_PORT or 9000), JVM options $java_opts,
# logging to $log. Rate limits are raised: one address plays
# every client. Extra environment for the service can be given before the call (VAR=value start_service JAR).
service=
management_port=${management_port:-${MANAGEMENT_PORT:-9000}}
stop_service() { if [ -n "$service" ]; then kill "$service" 2>/dev/null; wait "$service" 2>/dev/null || true; service=; fi; }
trap stop_service EXIT
start_service() { # jar
  QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$db" QUARKUS_DATASOURCE_USERNAME=postgres \
  QUARKUS_DATASOURCE_PASSWORD=postgres PORT=$port MANAGEMENT_PORT=$management_port LOG_JSON=false \
  RATE_LIMIT_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_REQUESTS_PER_MINUTE=100000000 RATE_LIMIT_ADDRESS_IN_FLIGHT_MAX=100000000 AUTH_RATE_LIMIT_PER_MINUTE=100000000 \
    java $java_opts -jar "$1" >>"$log" 2>&1 9>&- &
  service=$!
  for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$management_port/q/health/ready" >/dev/null 2>&1 && return; sleep 1; done
  echo "service did not become ready; see $log" >&2; exit 1
}

package dev.ballast.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The most connections the replicas of one overlay can open, against what its Postgres allows:
 * every replica the autoscaler may run, plus the extra one a rolling update adds, each with its full
 * reactive pool, Flyway's JDBC pool and its own connections outside the pool (the heartbeat's, and the
 * cache notice listener's unless {@code CACHE_NOTIFY=false}), plus the connections kept for migrations and
 * administration, plus Postgres' superuser reserve.
 */
record ConnectionBudget(int maxReplicas, int surge, int poolMax, int flywayPoolMax, int outsidePool, int reserved,
                        int superuserReserved, int maxConnections) {

    /** The budget of a rendered overlay: its HPA, Deployment, ConfigMap, and its Postgres' configuration or declaration. */
    static ConnectionBudget of(RenderedOverlay rendered) {
        Map<String, String> config = rendered.one(ConfigMap.class, "ballast-config").getData();
        HorizontalPodAutoscaler hpa = rendered.one(HorizontalPodAutoscaler.class, "ballast");
        Deployment deployment = rendered.one(Deployment.class, "ballast");
        int maxReplicas = hpa.getSpec().getMaxReplicas();
        int surge = surge(deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge(), maxReplicas);

        int maxConnections;
        int superuserReserved;
        if (rendered.has(ConfigMap.class, "postgres-config")) {
            String conf = rendered.one(ConfigMap.class, "postgres-config").getData().get("postgresql.conf");
            maxConnections = setting(conf, "max_connections");
            superuserReserved = setting(conf, "superuser_reserved_connections");
        } else {
            Map<String, String> declared = rendered.one(ConfigMap.class, "database-budget").getData();
            maxConnections = Integer.parseInt(declared.get("max_connections"));
            superuserReserved = Integer.parseInt(declared.get("superuser_reserved_connections"));
        }
        // Outside the pool: the heartbeat's connection, and the cache notice listener's unless turned off.
        int outsidePool = 1 + ("false".equalsIgnoreCase(config.getOrDefault("CACHE_NOTIFY", "true").trim()) ? 0 : 1);
        return new ConnectionBudget(maxReplicas, surge, Integer.parseInt(config.get("DB_POOL_MAX")),
                Integer.parseInt(config.get("QUARKUS_DATASOURCE_JDBC_MAX_SIZE")), outsidePool,
                Integer.parseInt(config.get("DB_RESERVED_CONNECTIONS")), superuserReserved, maxConnections);
    }

    /**
     * The most replicas (the autoscaler's maxReplicas) that fit {@code maxConnections} with the other terms of this
     * budget, or 0 when not even one does.
     */
    int mostReplicasThatFit() {
        int perReplica = poolMax + flywayPoolMax + outsidePool;
        int forReplicas = maxConnections - reserved - superuserReserved;
        return Math.max(0, forReplicas / perReplica - surge);
    }

    /** This budget for another pool size and Postgres, with as many replicas as fit it. */
    ConnectionBudget sizedFor(int otherPoolMax, int otherMaxConnections) {
        ConnectionBudget other = new ConnectionBudget(0, surge, otherPoolMax, flywayPoolMax, outsidePool, reserved,
                superuserReserved, otherMaxConnections);
        return new ConnectionBudget(other.mostReplicasThatFit(), surge, otherPoolMax, flywayPoolMax, outsidePool, reserved,
                superuserReserved, otherMaxConnections);
    }

    int worstCase() {
        return (maxReplicas + surge) * (poolMax + flywayPoolMax + outsidePool) + reserved + superuserReserved;
    }

    boolean fits() {
        return worstCase() <= maxConnections;
    }

    /** The sum as the docs print it: {@code (6 + 1) × (10 + 2 + 2) + 10 + 3 = 111}. */
    String formula() {
        return "(" + maxReplicas + " + " + surge + ") × (" + poolMax + " + " + flywayPoolMax + " + " + outsidePool + ") + "
                + reserved + " + " + superuserReserved + " = " + worstCase();
    }

    @Override
    public String toString() {
        return "(" + maxReplicas + " replicas + " + surge + " surge) x (" + poolMax + " pool + " + flywayPoolMax
                + " Flyway + " + outsidePool + " outside the pool) + " + reserved + " reserved + " + superuserReserved
                + " superuser-reserved = " + worstCase() + " of max_connections " + maxConnections;
    }

    private static int surge(IntOrString maxSurge, int replicas) {
        if (maxSurge.getStrVal() != null && maxSurge.getStrVal().endsWith("%")) {
            int percent = Integer.parseInt(maxSurge.getStrVal().replace("%", ""));
            return (int) Math.ceil(replicas * percent / 100.0);
        }
        return maxSurge.getIntVal();
    }

    private static int setting(String conf, String name) {
        Matcher matcher = Pattern.compile("(?m)^\\s*" + name + "\\s*=\\s*(\\d+)").matcher(conf);
        if (!matcher.find()) {
            throw new AssertionError(name + " is not set in postgresql.conf");
        }
        return Integer.parseInt(matcher.group(1));
    }
}

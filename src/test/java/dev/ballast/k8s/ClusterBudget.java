package dev.ballast.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.Map;

/**
 * The most connections the replicas of the CloudNativePG overlay can open, on each database and on the pooler, for
 * every pod that can exist at once (the autoscaler's maxReplicas and the rolling update's surge). The worst cases
 * assume the Services spread nothing: every pod's pool on one PgBouncer instance, every pod's read pool on one replica.
 * <ul>
 *   <li>the primary: each PgBouncer instance's server connections ({@code default_pool_size} +
 *   {@code reserve_pool_size}, and one for its authentication query), each pod's direct ones (Flyway's pool, the cache
 *   notice listener's), {@code DB_RESERVED_CONNECTIONS} and the superuser reserve, within {@code max_connections};</li>
 *   <li>one PgBouncer instance: each pod's pool and its heartbeat, within {@code max_client_conn};</li>
 *   <li>one replica: each pod's read pool and its replica check's connection, with the same reserves, within its
 *   {@code max_connections} (the primary's: CloudNativePG runs every instance with the cluster's parameters).</li>
 * </ul>
 */
record ClusterBudget(int pods, int poolMax, int readPoolMax, int flywayPoolMax, int listeners, int reserved,
                     int superuserReserved, int maxConnections, int poolers, int poolerServerConnections,
                     int poolerMaxClients) {

    static ClusterBudget of(RenderedOverlay rendered) {
        Map<String, String> config = rendered.one(ConfigMap.class, "ballast-config").getData();
        HorizontalPodAutoscaler hpa = rendered.one(HorizontalPodAutoscaler.class, "ballast");
        Deployment deployment = rendered.one(Deployment.class, "ballast");
        int pods = hpa.getSpec().getMaxReplicas() + deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal();
        Map<String, Object> postgres = parameters(rendered.custom("Cluster", "ballast-db"), "postgresql");
        GenericKubernetesResource pooler = rendered.custom("Pooler", "ballast-db-pooler-rw");
        Map<String, Object> bouncer = parameters(pooler, "pgbouncer");
        int poolMax = Integer.parseInt(config.get("DB_POOL_MAX"));
        return new ClusterBudget(pods, poolMax,
                Integer.parseInt(config.getOrDefault("READ_DB_POOL_MAX", config.get("DB_POOL_MAX"))),
                Integer.parseInt(config.get("QUARKUS_DATASOURCE_JDBC_MAX_SIZE")),
                "false".equalsIgnoreCase(config.getOrDefault("CACHE_NOTIFY", "true").trim()) ? 0 : 1,
                Integer.parseInt(config.get("DB_RESERVED_CONNECTIONS")),
                number(postgres, "superuser_reserved_connections"), number(postgres, "max_connections"),
                ((Number) spec(pooler).get("instances")).intValue(),
                number(bouncer, "default_pool_size") + number(bouncer, "reserve_pool_size") + 1,
                number(bouncer, "max_client_conn"));
    }

    int primaryWorstCase() {
        return poolers * poolerServerConnections + pods * (flywayPoolMax + listeners) + reserved + superuserReserved;
    }

    int poolerClientsWorstCase() {
        return pods * (poolMax + 1);
    }

    int replicaWorstCase() {
        return pods * (readPoolMax + 1) + reserved + superuserReserved;
    }

    boolean fits() {
        return primaryWorstCase() <= maxConnections && poolerClientsWorstCase() <= poolerMaxClients
                && replicaWorstCase() <= maxConnections;
    }

    @Override
    public String toString() {
        return "primary: " + poolers + " PgBouncer x " + poolerServerConnections + " + " + pods + " pods x (" + flywayPoolMax
                + " Flyway + " + listeners + " listener) + " + reserved + " reserved + " + superuserReserved + " superuser = "
                + primaryWorstCase() + " of max_connections " + maxConnections + "; one PgBouncer: " + pods + " pods x ("
                + poolMax + " pool + 1 heartbeat) = " + poolerClientsWorstCase() + " of max_client_conn " + poolerMaxClients
                + "; one replica: " + pods + " pods x (" + readPoolMax + " read pool + 1 check) + " + reserved + " + "
                + superuserReserved + " = " + replicaWorstCase() + " of max_connections " + maxConnections;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parameters(GenericKubernetesResource resource, String section) {
        return (Map<String, Object>) ((Map<String, Object>) spec(resource).get(section)).get("parameters");
    }

    private static int number(Map<String, Object> parameters, String name) {
        Object value = parameters.get(name);
        if (value == null) {
            throw new AssertionError(name + " is not set: the budget needs it");
        }
        return Integer.parseInt(value.toString());
    }
}

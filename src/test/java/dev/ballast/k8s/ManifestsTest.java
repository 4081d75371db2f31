package dev.ballast.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every overlay renders, parses with the Kubernetes model, fits its database, and runs pods safely. */
class ManifestsTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theReplicasNeverOpenMoreConnectionsThanPostgresAllows(String overlay) throws Exception {
        RenderedOverlay rendered = RenderedOverlay.render(overlay);
        ConnectionBudget budget = ConnectionBudget.of(rendered);
        assertTrue(budget.fits(), overlay + " is over its connection budget: " + budget);
    }

    @Test
    void theBudgetCheckRejectsOneConnectionTooMany() {
        assertTrue(new ConnectionBudget(6, 1, 10, 2, 2, 10, 3, 111).fits());
        assertFalse(new ConnectionBudget(6, 1, 10, 2, 2, 10, 3, 110).fits());
        assertFalse(new ConnectionBudget(7, 1, 10, 2, 2, 10, 3, 120).fits());
        assertTrue(new ConnectionBudget(6, 1, 10, 2, 1, 10, 3, 104).fits(), "cache notices off: no listener");
        assertEquals(6, new ConnectionBudget(0, 1, 10, 2, 2, 10, 3, 111).mostReplicasThatFit());
        assertEquals(5, new ConnectionBudget(0, 1, 10, 2, 2, 10, 3, 110).mostReplicasThatFit());
        assertEquals(0, new ConnectionBudget(0, 1, 20, 2, 2, 10, 3, 60).mostReplicasThatFit(), "not even one");
    }

    /** The CloudNativePG overlay: the primary behind its pooler, the pooler's clients, and each read replica. */
    @Test
    void theCloudNativePgClusterFitsItsPrimaryPoolerAndReplicas() throws Exception {
        ClusterBudget budget = ClusterBudget.of(RenderedOverlay.render("cnpg"));
        assertTrue(budget.fits(), "cnpg is over its connection budget: " + budget);
        ClusterBudget full = new ClusterBudget(11, 10, 10, 2, 1, 10, 3, 134, 2, 26, 121);
        assertTrue(full.fits(), full.toString());
        assertFalse(new ClusterBudget(11, 10, 10, 2, 1, 10, 3, 133, 2, 26, 121).fits(), "one replica connection too many");
        assertFalse(new ClusterBudget(11, 10, 10, 2, 1, 10, 3, 134, 2, 26, 120).fits(), "one pooler client too many");
        assertFalse(new ClusterBudget(11, 10, 10, 2, 1, 10, 3, 134, 4, 26, 121).fits(), "too many pooler server connections");
    }

    /**
     * On CloudNativePG the pool reaches the primary through the pooler (transaction mode, the client's layer-7 proxy
     * mode), reads the replicas' Service, and the cache notice listener and Flyway the primary's Service directly; the
     * credentials are the operator's.
     */
    @Test
    void onCloudNativePgEachConnectionGoesWhereItBelongs() throws Exception {
        RenderedOverlay cnpg = RenderedOverlay.render("cnpg");
        Map<String, Object> cluster = spec(cnpg.custom("Cluster", "ballast-db"));
        assertEquals(3, ((Number) cluster.get("instances")).intValue(), "one primary and two replicas");
        Map<String, Object> pooler = spec(cnpg.custom("Pooler", "ballast-db-pooler-rw"));
        assertEquals("rw", pooler.get("type"));
        assertEquals(Map.of("name", "ballast-db"), pooler.get("cluster"));
        @SuppressWarnings("unchecked")
        Map<String, Object> bouncer = (Map<String, Object>) pooler.get("pgbouncer");
        assertEquals("transaction", bouncer.get("poolMode"));

        Map<String, String> config = cnpg.one(ConfigMap.class, "ballast-config").getData();
        assertEquals("ballast-db-pooler-rw", host(config.get("QUARKUS_DATASOURCE_REACTIVE_URL")));
        assertEquals("true", config.get("DB_LAYER7_PROXY"));
        assertEquals("ballast-db-ro", host(config.get("READ_DATABASE_URL")));
        assertEquals("ballast-db-rw", host(config.get("DIRECT_DATABASE_URL")));
        assertEquals("ballast-db-rw", host(config.get("DB_JDBC_URL").substring("jdbc:".length())));

        Container app = cnpg.one(Deployment.class, "ballast").getSpec().getTemplate().getSpec().getContainers().get(0);
        for (String variable : List.of("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD")) {
            assertEquals("ballast-db-app", app.getEnv().stream().filter(env -> env.getName().equals(variable)).findFirst()
                    .orElseThrow(() -> new AssertionError(variable + " is not set")).getValueFrom().getSecretKeyRef().getName());
        }
        assertFalse(cnpg.has(Secret.class, "ballast-secrets"), "the JWT keys' Secret is created outside the overlay");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(io.fabric8.kubernetes.api.model.GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
    }

    private static String host(String url) {
        return java.net.URI.create(url).getHost();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "cnpg"})
    void theDeploymentSurvivesRollsDrainsAndOutages(String overlay) throws Exception {
        RenderedOverlay rendered = RenderedOverlay.render(overlay);
        Deployment deployment = rendered.one(Deployment.class, "ballast");
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container app = pod.getContainers().get(0);

        assertTrue(deployment.getSpec().getReplicas() >= 3, "replicas");
        assertEquals(0, deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal());
        assertEquals("/q/health/started", app.getStartupProbe().getHttpGet().getPath());
        assertEquals("/q/health/live", app.getLivenessProbe().getHttpGet().getPath());
        assertEquals("/q/health/ready", app.getReadinessProbe().getHttpGet().getPath());
        assertNotNull(app.getResources().getRequests().get("memory"), "memory request");
        assertNotNull(app.getResources().getLimits().get("memory"), "memory limit");

        Map<String, String> config = rendered.one(ConfigMap.class, "ballast-config").getData();
        long preStop = app.getLifecycle().getPreStop().getSleep().getSeconds();
        long shutdown = seconds(config.get("SHUTDOWN_DELAY")) + seconds(config.get("SHUTDOWN_TIMEOUT"));
        assertTrue(pod.getTerminationGracePeriodSeconds() > preStop + shutdown,
                "grace period " + pod.getTerminationGracePeriodSeconds() + " s must outlast preStop " + preStop
                        + " s + shutdown " + shutdown + " s");

        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertTrue(app.getSecurityContext().getReadOnlyRootFilesystem());
        assertFalse(app.getSecurityContext().getAllowPrivilegeEscalation());
        assertTrue(app.getSecurityContext().getCapabilities().getDrop().contains("ALL"));
        assertFalse(pod.getTopologySpreadConstraints().isEmpty(), "spread across nodes");
        assertEquals("true", deployment.getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/scrape"));

        PodDisruptionBudget disruption = rendered.one(PodDisruptionBudget.class, "ballast");
        assertEquals(deployment.getSpec().getSelector().getMatchLabels(), disruption.getSpec().getSelector().getMatchLabels());
    }

    /**
     * The operator endpoints (health, metrics) are on the management port: the kubelet's probes and Prometheus' scrape
     * go there, and the Service, which clients reach, exposes only the API port (which answers 404 for them).
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "cnpg"})
    void probesAndMetricsUseTheManagementPortWhichTheServiceDoesNotExpose(String overlay) throws Exception {
        RenderedOverlay rendered = RenderedOverlay.render(overlay);
        Deployment deployment = rendered.one(Deployment.class, "ballast");
        Container app = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> config = rendered.one(ConfigMap.class, "ballast-config").getData();

        Map<String, Integer> ports = app.getPorts().stream()
                .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
        int management = Integer.parseInt(config.getOrDefault("MANAGEMENT_PORT", "9000"));
        assertEquals(Map.of("http", Integer.parseInt(config.getOrDefault("PORT", "8080")), "management", management), ports,
                "the container's ports are those the service listens on (PORT, MANAGEMENT_PORT)");
        for (Probe probe : List.of(app.getStartupProbe(), app.getLivenessProbe(), app.getReadinessProbe())) {
            assertEquals("management", probe.getHttpGet().getPort().getStrVal(), probe.getHttpGet().getPath());
        }
        Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
        assertEquals(String.valueOf(management), annotations.get("prometheus.io/port"), "Prometheus scrapes the management port");
        assertEquals("/q/metrics", annotations.get("prometheus.io/path"));

        Service service = rendered.one(Service.class, "ballast");
        assertEquals(List.of("http"), service.getSpec().getPorts().stream().map(port -> port.getTargetPort().getStrVal()).toList(),
                "the Service exposes the API port only");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "cnpg"})
    void podsLogJsonLinesForTheLogCollector(String overlay) throws Exception {
        RenderedOverlay rendered = RenderedOverlay.render(overlay);
        assertEquals("true", rendered.one(ConfigMap.class, "ballast-config").getData().get("LOG_JSON"),
                "the jar logs text unless LOG_JSON=true");
    }

    /**
     * Whoever is trusted names the client in X-Forwarded-For, and with it the per-client rate limits and the per-address
     * connection cap: the base (and dev, which has no proxy in front) trusts nobody; prod names its proxies explicitly,
     * never a range as wide as a cluster's pod network.
     */
    @Test
    void onlyTheProxyInFrontIsTrustedWithClientAddresses() throws Exception {
        Map<String, String> dev = RenderedOverlay.render("dev").one(ConfigMap.class, "ballast-config").getData();
        assertTrue(dev.getOrDefault("TRUSTED_PROXIES", "").isBlank(), "dev trusts " + dev.get("TRUSTED_PROXIES"));

        Map<String, String> prod = RenderedOverlay.render("prod").one(ConfigMap.class, "ballast-config").getData();
        assertTrue(prod.containsKey("TRUSTED_PROXIES"), "prod must say which proxies it trusts");
        for (String entry : prod.get("TRUSTED_PROXIES").split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            boolean ipv6 = entry.contains(":");
            int prefix = entry.contains("/") ? Integer.parseInt(entry.substring(entry.indexOf('/') + 1).trim()) : ipv6 ? 128 : 32;
            assertTrue(prefix >= (ipv6 ? 64 : 24), "prod trusts all of " + entry.trim() + ": at most a /24 (IPv4) or a /64 "
                    + "(IPv6), the proxy's own addresses");
        }
    }

    /** The JVM image (dev overlay): heap, metaspace, code cache and direct memory bounded within the pod's limit. */
    @Test
    void theJvmStaysWithinItsMemoryLimit() throws Exception {
        Container app = RenderedOverlay.render("dev").one(Deployment.class, "ballast")
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        String options = app.getEnv().stream().filter(variable -> variable.getName().equals("JAVA_OPTS"))
                .findFirst().orElseThrow().getValue();
        long limitMib = Quantity.getAmountInBytes(app.getResources().getLimits().get("memory")).longValue() >> 20;
        long bounded = limitMib * option(options, "MaxRAMPercentage") / 100 + option(options, "MaxMetaspaceSize")
                + option(options, "ReservedCodeCacheSize") + option(options, "MaxDirectMemorySize");
        // The rest (thread stacks, GC structures, the JIT) took about 100 MB above a 256 MB heap in bench/run.sh.
        assertTrue(bounded + 64 <= limitMib, "JVM bounds of " + bounded + " MiB leave too little of the " + limitMib + " MiB limit");
        assertTrue(options.contains("-XX:+ExitOnOutOfMemoryError"), options);
    }

    @Test
    void devRunsItsOwnPostgresWithStatementStatistics() throws Exception {
        RenderedOverlay dev = RenderedOverlay.render("dev");
        assertTrue(dev.has(StatefulSet.class, "postgres"));
        String conf = dev.one(ConfigMap.class, "postgres-config").getData().get("postgresql.conf");
        assertTrue(conf.contains("pg_stat_statements"));
        Secret secrets = dev.one(Secret.class, "ballast-secrets");
        assertTrue(secrets.getData().containsKey("JWT_PRIVATE_KEY"), "replicas share one JWT key pair");
    }

    @Test
    void prodTakesItsCredentialsFromAnExternalSecret() throws Exception {
        RenderedOverlay prod = RenderedOverlay.render("prod");
        assertFalse(prod.has(Secret.class, "ballast-secrets"), "prod must not ship credentials");
        assertFalse(prod.has(StatefulSet.class, "postgres"));
        assertTrue(prod.one(HorizontalPodAutoscaler.class, "ballast").getSpec().getMinReplicas() >= 3);
    }

    /** A numeric JVM option such as -XX:MaxMetaspaceSize=80m (megabytes) or -XX:MaxRAMPercentage=50. */
    private static long option(String options, String name) {
        Matcher matcher = Pattern.compile("-XX:" + name + "=(\\d+)m?\\b").matcher(options);
        if (!matcher.find()) {
            throw new AssertionError("JAVA_OPTS does not set " + name + ": " + options);
        }
        return Long.parseLong(matcher.group(1));
    }

    private static long seconds(String quarkusDuration) {
        return Duration.parse("PT" + quarkusDuration.toUpperCase()).toSeconds();
    }
}

package dev.ballast.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every overlay renders, parses with the Kubernetes model, fits its database, and runs pods safely. */
class ManifestsTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theReplicasNeverOpenMoreConnectionsThanPostgresAllows(String overlay) throws Exception {
        RenderedOverlay rendered = RenderedOverlay.render(overlay);
        ConnectionBudget budget = budget(rendered);
        assertTrue(budget.fits(), overlay + " is over its connection budget: " + budget);
    }

    @Test
    void theBudgetCheckRejectsOneConnectionTooMany() {
        assertTrue(new ConnectionBudget(6, 1, 10, 2, 2, 10, 3, 111).fits());
        assertFalse(new ConnectionBudget(6, 1, 10, 2, 2, 10, 3, 110).fits());
        assertFalse(new ConnectionBudget(7, 1, 10, 2, 2, 10, 3, 120).fits());
        assertTrue(new ConnectionBudget(6, 1, 10, 2, 1, 10, 3, 104).fits(), "cache notices off: no listener");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
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

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void podsLogJsonLinesForTheLogCollector(String overlay) throws Exception {
        RenderedOverlay rendered = RenderedOverlay.render(overlay);
        assertEquals("true", rendered.one(ConfigMap.class, "ballast-config").getData().get("LOG_JSON"),
                "the jar logs text unless LOG_JSON=true");
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

    private static ConnectionBudget budget(RenderedOverlay rendered) {
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

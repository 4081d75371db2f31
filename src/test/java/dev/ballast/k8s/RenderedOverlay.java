package dev.ballast.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An overlay rendered by {@code kubectl kustomize} (no cluster needed) and read into fabric8's Kubernetes
 * model: a field of the wrong type fails to parse, and a misspelt field (which the model would keep aside as
 * an "additional property") is reported too. The operator's resources (CloudNativePG's {@code Cluster} and
 * {@code Pooler}) have no model here: they are read as generic resources, their fields unchecked.
 */
final class RenderedOverlay {

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("Deployment", Deployment.class),
            Map.entry("StatefulSet", StatefulSet.class),
            Map.entry("Service", Service.class),
            Map.entry("ConfigMap", ConfigMap.class),
            Map.entry("Secret", Secret.class),
            Map.entry("ServiceAccount", ServiceAccount.class),
            Map.entry("Namespace", Namespace.class),
            Map.entry("HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("Cluster", GenericKubernetesResource.class),
            Map.entry("Pooler", GenericKubernetesResource.class));

    final List<HasMetadata> objects;

    private RenderedOverlay(List<HasMetadata> objects) {
        this.objects = objects;
    }

    static RenderedOverlay render(String overlay) throws IOException, InterruptedException {
        Kubectl.assumeUsable();
        String yaml = Kubectl.kustomize(Path.of("k8s", "overlays", overlay));
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        List<HasMetadata> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = mapper.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                String kind = document.path("kind").asText();
                Class<? extends HasMetadata> type = KINDS.get(kind);
                if (type == null) {
                    throw new AssertionError(overlay + ": no model for kind " + kind);
                }
                HasMetadata object = mapper.treeToValue(document, type);
                if (object instanceof GenericKubernetesResource) {
                    objects.add(object);
                    continue;
                }
                List<String> unknown = new ArrayList<>();
                collectUnknownFields(object, kind + "/" + object.getMetadata().getName(), unknown,
                        java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
                if (!unknown.isEmpty()) {
                    throw new AssertionError(overlay + ": fields the Kubernetes API does not know: " + unknown);
                }
                objects.add(object);
            }
        }
        return new RenderedOverlay(objects);
    }

    /** The operator's resource of that kind and name, read generically. */
    GenericKubernetesResource custom(String kind, String name) {
        return objects.stream()
                .filter(object -> object instanceof GenericKubernetesResource && object.getKind().equals(kind)
                        && object.getMetadata().getName().equals(name))
                .map(GenericKubernetesResource.class::cast)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        return objects.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .filter(object -> object.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
    }

    boolean has(Class<? extends HasMetadata> type, String name) {
        return objects.stream().anyMatch(object -> type.isInstance(object) && object.getMetadata().getName().equals(name));
    }

    /** Walks the model's getters: any non-empty additionalProperties is a field the API does not have. */
    private static void collectUnknownFields(Object node, String path, List<String> unknown, Set<Object> seen) {
        if (node == null || !node.getClass().getName().startsWith("io.fabric8.") || !seen.add(node)) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + " " + extra.keySet());
                }
            } else if (value instanceof Collection<?> items) {
                items.forEach(item -> collectUnknownFields(item, path + "." + getter.getName().substring(3), unknown, seen));
            } else if (value instanceof Map<?, ?> entries) {
                entries.values().forEach(item -> collectUnknownFields(item, path + "." + getter.getName().substring(3), unknown, seen));
            } else {
                collectUnknownFields(value, path + "." + getter.getName().substring(3), unknown, seen);
            }
        }
    }
}

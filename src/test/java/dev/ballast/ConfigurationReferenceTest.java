package dev.ballast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md lists every environment variable the service reads, with its default, and nothing else;
 * the Kubernetes manifests set only variables it lists. Plain text checks, no application start.
 */
class ConfigurationReferenceTest {

    private static final Path REFERENCE = Path.of("docs", "configuration.md");

    @Test
    void theReferenceListsEveryVariableReadWithItsDefaultAndNothingElse() throws IOException {
        ConfigurationReference sources = new ConfigurationReference()
                .properties(Files.readString(Path.of("src", "main", "resources", "application.properties")));
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                sources.java(Files.readString(file), file.toString());
            }
        }
        for (String dockerfile : List.of("Dockerfile.jvm", "Dockerfile.native")) {
            sources.dockerfile(Files.readString(Path.of(dockerfile)), dockerfile);
        }
        List<String> problems = sources.check(Files.readString(REFERENCE));
        assertTrue(problems.isEmpty(), "docs/configuration.md disagrees with what the service reads:\n  "
                + String.join("\n  ", problems));
    }

    @Test
    void theManifestsSetOnlyVariablesTheServiceReads() throws IOException {
        String reference = Files.readString(REFERENCE);
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("k8s"))) {
            for (Path manifest : files.filter(path -> path.toString().endsWith(".yaml")).sorted().toList()) {
                problems.addAll(ConfigurationReference.undocumented(serviceVariables(manifest), reference, manifest.toString()));
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void aVariableMissingReadByNothingOrWithAnotherDefaultIsReported() {
        ConfigurationReference sources = new ConfigurationReference()
                .properties("""
                        a.port=${PORT:8080}
                        a.url=${DB_JDBC_URL:jdbc:${quarkus.datasource.reactive.url:}}
                        a.proxies=${TRUSTED_PROXIES:}
                        a.ttl=${CACHE_TTL:5S}
                        b.ttl=${CACHE_TTL:10S}
                        quarkus.datasource.jdbc.max-size=2
                        %test.a.port=${TEST_ONLY:1}
                        """)
                .java("""
                        System.getenv().getOrDefault("EMBEDDED_PG_DATA_DIR", "data/postgres");
                        System.getenv("JWT_PUBLIC_KEY");
                        Map.of("quarkus.datasource.username", "postgres");
                        """, "Example.java")
                .dockerfile("""
                        ENV JAVA_OPTS="-Xmx1g -XX:+UseSerialGC"
                        ENV LOG_JSON=true
                        ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar app.jar"]
                        """, "Dockerfile");
        List<String> problems = sources.check("""
                | Variable | Default | Meaning |
                | --- | --- | --- |
                | `PORT` | `8081` | a wrong default |
                | `DB_JDBC_URL` | `jdbc:${quarkus.datasource.reactive.url:}` | nested default |
                | `TRUSTED_PROXIES` | `10.0.0.0/8` | a default where there is none |
                | `EMBEDDED_PG_DATA_DIR` | `data/postgres` | from the code |
                | `QUARKUS_DATASOURCE_USERNAME` | none | a property the code names |
                | `QUARKUS_DATASOURCE_JDBC_MAX_SIZE` | `3` | a property the file sets, wrong default |
                | `JAVA_OPTS` | `-Xmx1g -XX:+UseSerialGC` | from the Dockerfile |
                | `LOG_JSON` | `true` | set in the image but read by nothing here |
                | `CACHE_TTL`, `CACHE_MAX` | `5S` | two in a row |
                | `PORT` | `8080` | twice |
                """);
        assertEquals(Set.of(
                "PORT defaults to `8080` (application.properties: a.port) but docs/configuration.md says: `8081`",
                "CACHE_TTL has two defaults: `5S` (application.properties: a.ttl) and `10S` (application.properties: b.ttl)",
                "docs/configuration.md: a row must be one variable in backticks, its default and its meaning: "
                        + "| `CACHE_TTL`, `CACHE_MAX` | `5S` | two in a row |",
                "docs/configuration.md lists PORT twice",
                "CACHE_TTL is read (application.properties: a.ttl) but not in docs/configuration.md",
                "JWT_PUBLIC_KEY is read (Example.java) but not in docs/configuration.md",
                "TRUSTED_PROXIES has no default (application.properties: a.proxies) but docs/configuration.md gives "
                        + "`10.0.0.0/8`: say in words what happens without it",
                "QUARKUS_DATASOURCE_JDBC_MAX_SIZE defaults to `2` (property quarkus.datasource.jdbc.max-size) but "
                        + "docs/configuration.md says: `3`",
                "LOG_JSON is in docs/configuration.md but nothing reads it"),
                Set.copyOf(problems));
    }

    @Test
    void aManifestKeyTheServiceDoesNotReadIsReported() {
        String reference = """
                | Variable | Default | Meaning |
                | --- | --- | --- |
                | `DB_POOL_MAX` | `20` | pool |
                """;
        assertEquals(List.of("configmap.yaml sets DB_POOL_SIZE, which is not in docs/configuration.md (the service ignores "
                        + "a variable it does not read)"),
                ConfigurationReference.undocumented(List.of("DB_POOL_MAX", "DB_POOL_SIZE"), reference, "configmap.yaml"));
    }

    /** The keys a manifest gives the service: its ConfigMap and Secret, and the generators that make them. */
    private static List<String> serviceVariables(Path manifest) throws IOException {
        List<String> keys = new ArrayList<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (MappingIterator<JsonNode> documents = yaml.readerFor(JsonNode.class).readValues(manifest.toFile())) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                String name = document.path("metadata").path("name").asText();
                String kind = document.path("kind").asText();
                if ((kind.equals("ConfigMap") && name.equals("ballast-config")) || (kind.equals("Secret") && name.equals("ballast-secrets"))) {
                    document.path("data").fieldNames().forEachRemaining(keys::add);
                    document.path("stringData").fieldNames().forEachRemaining(keys::add);
                }
                for (String generator : List.of("configMapGenerator", "secretGenerator")) {
                    for (JsonNode generated : document.path(generator)) {
                        if (generated.path("name").asText().startsWith("ballast-")) {
                            generated.path("literals").forEach(literal -> keys.add(literal.asText().split("=", 2)[0]));
                            generated.path("files").forEach(file -> keys.add(file.asText().split("=", 2)[0]));
                        }
                    }
                }
            }
        }
        return keys;
    }
}

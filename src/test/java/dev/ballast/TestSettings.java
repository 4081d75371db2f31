package dev.ballast;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A configuration mapping for a unit test that builds a class itself: the values of application.properties (their
 * defaults, whatever the environment, and not the test profile's), with the given properties set instead.
 */
public final class TestSettings {

    private TestSettings() {
    }

    public static <T> T of(Class<T> mapping, Map<String, String> properties) {
        try {
            SmallRyeConfig config = new SmallRyeConfigBuilder()
                    .addDiscoveredConverters() // Quarkus' own, as in the service: durations such as 1s, sizes such as 16M
                    .addDefaultInterceptors() // ${VARIABLE:default}
                    .withSources(new PropertiesConfigSource(properties, "test settings", 200),
                            new PropertiesConfigSource(TestSettings.class.getResource("/application.properties"), 100))
                    .withMapping(mapping)
                    .build();
            return config.getConfigMapping(mapping);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

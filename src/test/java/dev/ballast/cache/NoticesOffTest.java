package dev.ballast.cache;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ballast.TestSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With notices off there is no listener to watch: its gauge is absent, so the alert on it cannot fire for ever. */
class NoticesOffTest {

    private static MeterRegistry registryOfAListener(boolean notices) {
        MeterRegistry registry = new SimpleMeterRegistry();
        CacheSettings settings = TestSettings.of(CacheSettings.class, Map.of("ballast.cache.notify.enabled", Boolean.toString(notices)));
        new CacheNoticeListener(null, null, null, null, null, registry, settings);
        return registry;
    }

    @Test
    void theListenerGaugeExistsOnlyWhenNoticesAreOn() {
        assertNull(registryOfAListener(false).find("ballast.cache.listener.connected").gauge());
        assertNotNull(registryOfAListener(true).find("ballast.cache.listener.connected").gauge());
    }
}

package dev.ballast.cache;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** With notices off there is no listener to watch: its gauge is absent, so the alert on it cannot fire for ever. */
class NoticesOffTest {

    private static MeterRegistry registryOfAListener(boolean notices) {
        MeterRegistry registry = new SimpleMeterRegistry();
        new CacheNoticeListener(null, null, null, null, registry, notices, "ballast_cache", Duration.ofSeconds(5));
        return registry;
    }

    @Test
    void theListenerGaugeExistsOnlyWhenNoticesAreOn() {
        assertNull(registryOfAListener(false).find("ballast.cache.listener.connected").gauge());
        assertNotNull(registryOfAListener(true).find("ballast.cache.listener.connected").gauge());
    }
}

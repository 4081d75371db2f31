package dev.ballast;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * One application start for the tests of the caches' edges, each relying on one of these values (and on
 * neither of the other): a notice channel Postgres refuses (every cache notice fails to go out:
 * {@code cache.CacheNoticeFailureTest}) and a cap of two ids on a viewer's cached flags
 * ({@code viewer.ViewerFlagsOverCapTest}).
 */
public class SmallCacheLimitsProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        // pg_notify refuses a channel name longer than 63 bytes ("channel name too long").
        return Map.of("ballast.cache.notify.channel", "c".repeat(64),
                "ballast.cache.viewer-flags-ids-max", "2");
    }
}

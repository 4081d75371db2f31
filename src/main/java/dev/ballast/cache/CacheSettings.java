package dev.ballast.cache;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import java.time.Duration;

/**
 * How the replicas tell each other what a write changed, and the bound on a viewer's cached flags; see
 * {@code ballast.cache.*} in application.properties. Each cache's budget and time are {@link ViewCaches.Settings}
 * ({@code ballast.caches.*}).
 */
@ConfigMapping(prefix = "ballast.cache")
public interface CacheSettings {

    /** The cache notices sent to the other replicas and heard from them. */
    @WithName("notify")
    Notices notices();

    /**
     * Ids of favorites or follows a signed-in viewer may have and still have their flags cached
     * ({@code viewer.ViewerFlags}); a viewer with more is read per view.
     */
    int viewerFlagsIdsMax();

    /** The notices ({@link CacheNoticeSender}, {@link CacheNoticeListener}). */
    interface Notices {

        /** Whether notices are sent and listened for; off, other replicas' writes show here within the caches' TTL. */
        boolean enabled();

        /** The Postgres channel of the notices ({@code NOTIFY} and {@code LISTEN}). */
        String channel();

        /** The longest wait between two attempts to listen again after the listening connection was lost. */
        Duration reconnectMax();
    }
}

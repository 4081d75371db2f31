package dev.ballast.http;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.time.Duration;

/** The {@code Retry-After} of every 503: {@code ballast.retry-after} in application.properties. */
@ConfigMapping(prefix = "ballast.retry-after")
public interface RetryAfterSettings {

    /** How long a client refused with 503 is told to wait before it tries again (whole seconds, at least one). */
    @WithParentName
    Duration duration();
}

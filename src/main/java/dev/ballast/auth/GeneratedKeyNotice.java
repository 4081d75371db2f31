package dev.ballast.auth;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Says at start-up when this process signs tokens with a key pair generated for it alone. In production that is a
 * warning a user must act on (tokens die with the process and fail on other replicas: set JWT_PRIVATE_KEY and
 * JWT_PUBLIC_KEY); in dev and tests it is the intended set-up, so only information.
 */
@ApplicationScoped
class GeneratedKeyNotice {

    private static final Logger LOG = Logger.getLogger(GeneratedKeyNotice.class);

    void onStart(@Observes StartupEvent event) {
        String source = ConfigProvider.getConfig().getConfigValue(GeneratedKeyConfigSource.VERIFY_KEY).getSourceName();
        if (!GeneratedKeyConfigSource.NAME.equals(source) || GeneratedKeyConfigSource.keysConfigured()) {
            return;
        }
        if (LaunchMode.current() == LaunchMode.NORMAL) {
            LOG.warn("No JWT keys configured (JWT_PRIVATE_KEY, JWT_PUBLIC_KEY): signing with a key pair generated for this "
                    + "process only. Tokens will not survive a restart nor work on other replicas; set both in production.");
        } else {
            LOG.info("Signing tokens with a key pair generated for this process (no JWT_PRIVATE_KEY, JWT_PUBLIC_KEY set)");
        }
    }
}

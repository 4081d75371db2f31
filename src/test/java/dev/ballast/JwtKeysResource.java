package dev.ballast;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/**
 * Gives the packaged service in the integration tests a configured key pair, as production has (the jar gets
 * these as system properties): without it the jar rightly warns that its tokens die with the process.
 */
@QuarkusTestResource(JwtKeysResource.class)
public class JwtKeysResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Base64.Encoder base64 = Base64.getEncoder();
            return Map.of("JWT_PRIVATE_KEY", base64.encodeToString(pair.getPrivate().getEncoded()),
                    "JWT_PUBLIC_KEY", base64.encodeToString(pair.getPublic().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }
}

package dev.ballast.auth;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Supplies the JWT signing and verification keys from {@code JWT_PRIVATE_KEY} / {@code JWT_PUBLIC_KEY}
 * (base64 PKCS#8 and X.509, PEM headers allowed), and when neither is set generates an RSA pair: fine for dev and
 * tests, but tokens then die with the process and are not shared by replicas. It does not log: config sources are
 * also read while Maven builds the application, where nothing is wrong; {@link GeneratedKeyNotice} says it at
 * start-up. Its ordinal is low, so {@code SMALLRYE_JWT_SIGN_KEY} / {@code MP_JWT_VERIFY_PUBLICKEY} still win.
 */
public class GeneratedKeyConfigSource implements ConfigSource {

    static final String SIGN_KEY = "smallrye.jwt.sign.key";
    static final String VERIFY_KEY = "mp.jwt.verify.publickey";
    static final String NAME = "ballast-jwt-keys";

    private volatile Map<String, String> keys;

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(SIGN_KEY, VERIFY_KEY);
    }

    @Override
    public String getValue(String propertyName) {
        return SIGN_KEY.equals(propertyName) || VERIFY_KEY.equals(propertyName) ? keys().get(propertyName) : null;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public int getOrdinal() {
        return 110;
    }

    private Map<String, String> keys() {
        if (keys == null) {
            synchronized (this) {
                if (keys == null) {
                    keys = loadOrGenerate();
                }
            }
        }
        return keys;
    }

    /** Whether keys come from JWT_PRIVATE_KEY and JWT_PUBLIC_KEY (else this source generates a pair). */
    static boolean keysConfigured() {
        return setting("JWT_PRIVATE_KEY") != null || setting("JWT_PUBLIC_KEY") != null;
    }

    private static Map<String, String> loadOrGenerate() {
        String privateKey = setting("JWT_PRIVATE_KEY");
        String publicKey = setting("JWT_PUBLIC_KEY");
        if (privateKey != null && publicKey != null) {
            return Map.of(SIGN_KEY, privateKey, VERIFY_KEY, publicKey);
        }
        if (privateKey != null || publicKey != null) {
            throw new IllegalStateException("Set both JWT_PRIVATE_KEY and JWT_PUBLIC_KEY, or neither");
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Base64.Encoder base64 = Base64.getEncoder();
            return Map.of(
                    SIGN_KEY, base64.encodeToString(pair.getPrivate().getEncoded()),
                    VERIFY_KEY, base64.encodeToString(pair.getPublic().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is not available", e);
        }
    }

    private static String setting(String name) {
        String value = System.getProperty(name, System.getenv(name));
        return value == null || value.isBlank() ? null : value;
    }
}

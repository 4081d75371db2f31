package dev.ballast;

import dev.ballast.db.EmbeddedDatabase;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import org.graalvm.nativeimage.ImageInfo;

/**
 * Entry point of the packaged service. When no database URL is configured it first starts an embedded
 * Postgres, so that {@code java -jar} works on a machine that has no database.
 */
@QuarkusMain
public class BallastMain {

    public static void main(String... args) {
        // Constant-folded by native-image: the embedded Postgres (and its dependencies) never reach the executable.
        if (!ImageInfo.inImageCode()) {
            EmbeddedDatabase.startUnlessConfigured();
        }
        Quarkus.run(args);
    }
}

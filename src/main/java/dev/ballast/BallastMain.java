package dev.ballast;

import dev.ballast.db.EmbeddedDatabase;
import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of the packaged service. When no database URL is configured it first starts an embedded
 * Postgres, so that {@code java -jar} works on a machine that has no database.
 */
@QuarkusMain
public class BallastMain {

    public static void main(String... args) {
        // Never in the native executable: native-image folds this check, leaving the embedded Postgres unreachable.
        if (ImageMode.current() == ImageMode.JVM) {
            EmbeddedDatabase.startUnlessConfigured();
        }
        Quarkus.run(args);
    }
}

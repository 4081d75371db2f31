package dev.ballast;

import io.quarkus.test.common.QuarkusTestResource;

/** Registers the embedded Postgres for the whole test suite (one database, started once). */
@QuarkusTestResource(EmbeddedPostgresResource.class)
public final class TestDatabase {

    private TestDatabase() {
    }
}

package dev.ballast.cache;

import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.register;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.Api.Account;
import dev.ballast.SmallPoolAndCacheLimitsProfile;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A notice Postgres refuses does not fail the write: it is counted, and this replica's caches are still emptied.
 * On purpose, the refused channel's name is warned about at start-up and the failed notice is logged (listed in
 * .ci/allowed-warnings).
 */
@QuarkusTest
@TestProfile(SmallPoolAndCacheLimitsProfile.class)
class CacheNoticeFailureTest {

    @Inject
    MeterRegistry registry;

    @Test
    void aWriteWhoseNoticeFailsStillSucceeds() {
        Account author = register("refused");
        double failures = registry.counter("ballast.cache.notices.send.failures").count();
        double sent = registry.counter("ballast.cache.notices.sent").count();
        String slug = createArticle(author, "Notice refused", List.of());
        anonymous().get("/api/articles/" + slug).then().statusCode(200).body("article.body", equalTo("The body of Notice refused"));

        author.as().body(Map.of("article", Map.of("body", "changed"))).put("/api/articles/" + slug).then().statusCode(200);
        anonymous().get("/api/articles/" + slug).then().statusCode(200).body("article.body", equalTo("changed"));
        assertEquals(failures + 2, registry.counter("ballast.cache.notices.send.failures").count(), "both notices failed");
        assertEquals(sent, registry.counter("ballast.cache.notices.sent").count());
    }
}

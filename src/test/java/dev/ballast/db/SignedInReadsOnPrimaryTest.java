package dev.ballast.db;

import static dev.ballast.Management.operator;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.ballast.Api;
import dev.ballast.Api.Account;
import dev.ballast.cache.ViewCaches;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With a streaming standby and the defaults, only anonymous reads go to the standby: a signed-in caller's reads all
 * run on the primary, whatever they wrote, with no write position looked up or stored. With replay paused, an article
 * just written is on the primary only, so what a read answers tells where it ran.
 */
@QuarkusTest
@TestProfile(ReadReplicaTest.WithStandby.class)
class SignedInReadsOnPrimaryTest {

    @Inject
    Replicas replicas;

    @Inject
    ViewCaches viewCaches;

    @AfterEach
    void standbyBack() {
        PrimaryAndStandby.standby.resumeReplay();
    }

    @Test
    void aSignedInReaderWhoWroteNothingReadsThePrimaryWhileAnonymousReadsComeFromTheStandby() {
        ReadReplicaTest.awaitTrue(() -> replicas.choose(0) != null, Duration.ofSeconds(20), "the standby in use");
        Account author = Api.register("primary_author");
        Account reader = Api.register("primary_reader");
        PrimaryAndStandby.standby.pauseReplay();
        String slug = Api.createArticle(author, Api.uniqueName("Written while replay is paused"), List.of());

        ReadReplicaTest.emptyCaches(viewCaches);
        Api.anonymous().get("/api/articles/" + slug).then().statusCode(404);
        ReadReplicaTest.emptyCaches(viewCaches);
        reader.as().get("/api/articles/" + slug).then().statusCode(200).body("article.slug", equalTo(slug));
        author.as().get("/api/articles?author=" + author.username()).then().statusCode(200).body("articlesCount", equalTo(1));

        operator().get("/q/metrics").then().statusCode(200)
                .body(containsString("ballast_db_reads_total{to=\"replica\",why=\"replayed\"}"))
                .body(containsString("ballast_db_reads_total{to=\"primary\",why=\"signed-in\"}"))
                .body(not(containsString("statement=\"" + ReadYourWrites.LOOKUP.name() + "\"")))
                .body(not(containsString("statement=\"" + ReadYourWrites.RECORD.name() + "\"")));
    }
}

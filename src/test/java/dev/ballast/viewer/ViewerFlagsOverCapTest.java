package dev.ballast.viewer;

import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.favorite;
import static dev.ballast.Api.follow;
import static dev.ballast.Api.register;
import static dev.ballast.Api.uniqueName;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.Api.Account;
import dev.ballast.SmallPoolAndCacheLimitsProfile;
import dev.ballast.StatementsRun;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A viewer with more favorites or follows than {@code ballast.cache.viewer-flags-ids-max} is not cached (memory
 * stays bounded): their flags come from one statement over the ids shown, and are still exactly theirs; their feed
 * is the feed statement, which computes them with the page. Its start's notice channel is one Postgres refuses
 * ({@link SmallPoolAndCacheLimitsProfile}): the notices of its writes fail, which is logged (.ci/allowed-warnings).
 */
@QuarkusTest
@TestProfile(SmallPoolAndCacheLimitsProfile.class)
class ViewerFlagsOverCapTest {

    @Inject
    MeterRegistry registry;

    @Test
    void aViewerWithManyFavoritesGetsTheirFlagsPerView() {
        Account author = register("prolific");
        Account fan = register("fan");
        String tag = uniqueName("many");
        String first = createArticle(author, "One " + tag, List.of(tag));
        String second = createArticle(author, "Two " + tag, List.of(tag));
        String third = createArticle(author, "Three " + tag, List.of(tag));
        String unfavorited = createArticle(author, "Four " + tag, List.of(tag));
        for (String slug : List.of(first, second, third)) {
            favorite(fan, slug);
        }

        fan.as().queryParam("tag", tag).get("/api/articles").then().statusCode(200)
                .body("articles.slug", contains(unfavorited, third, second, first))
                .body("articles.favorited", contains(false, true, true, true));
        long before = StatementsRun.soFar(registry);
        fan.as().queryParam("tag", tag).get("/api/articles").then().statusCode(200)
                .body("articles.favorited", contains(false, true, true, true));
        assertEquals(1, StatementsRun.soFar(registry) - before,
                "the shared page is cached, and that this viewer has too many flags to cache: only the page's flags are read");

        follow(fan, author);
        fan.as().get("/api/articles/feed").then().statusCode(200)
                .body("articles.slug", contains(unfavorited, third, second, first))
                .body("articles.favorited", contains(false, true, true, true));
        long beforeFeed = StatementsRun.soFar(registry);
        fan.as().get("/api/articles/feed").then().statusCode(200).body("articles.author.following", contains(true, true, true, true));
        assertEquals(1, StatementsRun.soFar(registry) - beforeFeed,
                "a reader whose follows and favorites are too many to cache: their feed is the one feed statement");
    }
}

package dev.ballast.article;

import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.favorite;
import static dev.ballast.Api.follow;
import static dev.ballast.Api.register;
import static dev.ballast.Api.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.Api.Account;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A page costs a fixed number of statements whatever its size: no query per article. */
@QuarkusTest
class QueryCountTest {

    @Inject
    MeterRegistry registry;

    private long statementsRun() {
        return registry.find("ballast.db.query").timers().stream().mapToLong(Timer::count).sum();
    }

    @Test
    void aPageOfTwentyArticlesWithAuthorsTagsAndFlagsCostsTwoStatements() {
        Account reader = register("counter");
        String tag = uniqueName("counted");
        for (int i = 0; i < 20; i++) {
            Account author = register("author" + i);
            follow(reader, author);
            String slug = createArticle(author, "Counted " + i, List.of(tag, "extra" + i));
            favorite(reader, slug);
        }

        long before = statementsRun();
        reader.as().queryParam("tag", tag).queryParam("limit", 20).get("/api/articles")
                .then().statusCode(200).body("articles.size()", org.hamcrest.Matchers.equalTo(20));
        assertEquals(2, statementsRun() - before, "statements for one list page");

        before = statementsRun();
        reader.as().queryParam("limit", 20).get("/api/articles/feed")
                .then().statusCode(200).body("articles.size()", org.hamcrest.Matchers.equalTo(20));
        assertEquals(2, statementsRun() - before, "statements for one feed page");
    }
}

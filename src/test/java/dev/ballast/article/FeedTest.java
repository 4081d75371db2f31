package dev.ballast.article;

import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.favorite;
import static dev.ballast.Api.follow;
import static dev.ballast.Api.register;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.Api.Account;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The feed built from shared per-author timelines answers as the feed statement does: the followed authors'
 * articles newest first, their count, any page; a page deeper than the timelines is read by the statement;
 * every change a reader makes or sees happen is on their next read.
 */
@QuarkusTest
class FeedTest {

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "ballast.feed.timeline-depth")
    int depth;

    /** How many times the feed's own statement has run (it runs only when the shared parts cannot tell a page). */
    private long feedStatements() {
        Timer timer = registry.find("ballast.db.query").tag("statement", "article.list.feed").timer();
        return timer == null ? 0 : timer.count();
    }

    private static List<String> titles(Account reader, int limit, int offset) {
        return reader.as().queryParam("limit", limit).queryParam("offset", offset).get("/api/articles/feed")
                .then().statusCode(200).extract().path("articles.title");
    }

    @Test
    void followedAuthorsArticlesComeNewestFirstOnEveryPage() {
        Account reader = register("reader");
        Account alice = register("alice");
        Account bob = register("bob");
        Account carol = register("carol");
        Account dave = register("unfollowed");
        for (Account author : List.of(alice, bob, carol)) {
            follow(reader, author);
        }
        // Dates interleaved across authors; alice has more articles than her timeline holds.
        List<Account> authors = List.of(alice, bob, dave, alice, carol, bob, alice, alice, bob, alice, alice, carol);
        List<String> newestFirst = new ArrayList<>();
        for (int i = 0; i < authors.size(); i++) {
            Account author = authors.get(i);
            String title = "Feed " + i + " by " + author.username();
            createArticle(author, title, List.of());
            if (author != dave) {
                newestFirst.add(0, title);
            }
        }
        assertEquals(6, depth + 1, "alice has one article more than her timeline holds (test profile)");

        long statementsBefore = feedStatements();
        List<String> paged = new ArrayList<>();
        for (int offset = 0; offset < 9; offset += 3) {
            reader.as().queryParam("limit", 3).queryParam("offset", offset).get("/api/articles/feed").then().statusCode(200)
                    .body("articlesCount", equalTo(11))
                    .body("articles.author.following", everyItem(equalTo(true)))
                    .body("articles.body", everyItem(equalTo(null)));
            paged.addAll(titles(reader, 3, offset));
        }
        assertEquals(newestFirst.subList(0, 9), paged, "the first nine, three at a time");
        assertEquals(newestFirst.subList(2, 9), titles(reader, 7, 2), "an offset inside the timelines");
        assertEquals(statementsBefore, feedStatements(), "pages within the timelines come from shared parts");

        assertEquals(newestFirst.subList(9, 11), titles(reader, 3, 9), "past alice's timeline: her oldest is next");
        assertEquals(newestFirst, titles(reader, 20, 0), "the whole feed");
        assertEquals(List.of(), titles(reader, 20, 11), "past the end");
        assertEquals(statementsBefore + 3, feedStatements(), "pages reaching past a timeline are read by the feed statement");
    }

    @Test
    void whatChangesIsOnTheNextRead() {
        Account reader = register("watcher");
        Account alice = register("alice");
        Account bob = register("bob");
        Account fan = register("fan");
        follow(reader, alice);
        String old = createArticle(alice, "Alice old", List.of());
        String first = createArticle(bob, "Bob first", List.of());
        String latest = createArticle(alice, "Alice latest", List.of());
        reader.as().get("/api/articles/feed").then().body("articles.title", contains("Alice latest", "Alice old"));

        follow(reader, bob);
        reader.as().get("/api/articles/feed").then().body("articlesCount", equalTo(3))
                .body("articles.title", contains("Alice latest", "Bob first", "Alice old"));

        createArticle(bob, "Bob second", List.of());
        reader.as().get("/api/articles/feed").then().body("articlesCount", equalTo(4))
                .body("articles.title", contains("Bob second", "Alice latest", "Bob first", "Alice old"));

        String renamed = alice.as().body(Map.of("article", Map.of("title", "Alice renamed"))).put("/api/articles/" + latest)
                .then().statusCode(200).extract().path("article.slug");
        favorite(fan, renamed);
        favorite(reader, old);
        alice.as().body(Map.of("user", Map.of("bio", "Now with a bio"))).put("/api/user").then().statusCode(200);
        reader.as().get("/api/articles/feed").then()
                .body("articles.slug[1]", equalTo(renamed)).body("articles.title[1]", equalTo("Alice renamed"))
                .body("articles.favoritesCount", contains(0, 1, 0, 1))
                .body("articles.favorited", contains(false, false, false, true))
                .body("articles.author.bio[1]", equalTo("Now with a bio"));

        bob.as().delete("/api/articles/" + first).then().statusCode(204);
        reader.as().get("/api/articles/feed").then().body("articlesCount", equalTo(3))
                .body("articles.title", contains("Bob second", "Alice renamed", "Alice old"));

        reader.as().delete("/api/profiles/" + bob.username() + "/follow").then().statusCode(200);
        reader.as().get("/api/articles/feed").then().body("articlesCount", equalTo(2))
                .body("articles.title", contains("Alice renamed", "Alice old"));
        reader.as().delete("/api/profiles/" + alice.username() + "/follow").then().statusCode(200);
        reader.as().get("/api/articles/feed").then().body("articlesCount", equalTo(0)).body("articles", empty());
    }
}

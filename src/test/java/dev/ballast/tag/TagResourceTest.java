package dev.ballast.tag;

import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.register;
import static dev.ballast.Api.uniqueName;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.Api.Account;
import dev.ballast.SizedData;
import dev.ballast.cache.ReadCaches;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * GET /api/tags: the most used tags, at most TAGS_POPULAR_MAX. The tests share one database (and {@code %test}
 * lists up to 100,000 tags, so that their own tags, used once or twice, are listed): the bound is checked on the
 * statement itself. Only the writes that can change the tags empty their view. Each account's new tags are bounded.
 */
@QuarkusTest
class TagResourceTest {

    @Inject
    TagRepository repository;

    @Inject
    MeterRegistry registry;

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "ballast.tags.popular-max")
    int popularMax;

    @ConfigProperty(name = "ballast.tags.new-per-hour")
    int newPerHour;

    @ConfigProperty(name = "ballast.limits.tags-per-article-max")
    int tagsPerArticle;

    @Test
    void tagsInUseAreListedOnceAndVanishWithTheirLastArticle() {
        Account author = register("tagger");
        String shared = uniqueName("shared");
        String lonely = uniqueName("lonely");
        createArticle(author, "First " + shared, List.of(shared));
        String second = createArticle(author, "Second " + shared, List.of(shared, lonely, shared));

        anonymous().get("/api/tags").then().statusCode(200).body("tags", hasItems(shared, lonely));
        List<String> tags = anonymous().get("/api/tags").then().extract().path("tags");
        assertEquals(1, tags.stream().filter(shared::equals).count());

        author.as().delete("/api/articles/" + second).then().statusCode(204);
        anonymous().get("/api/tags").then().body("tags", hasItem(shared)).body("tags", not(hasItem(lonely)));
    }

    @Test
    void theMostUsedComeFirstThenByName() {
        Account author = register("ranker");
        String base = uniqueName("ranked");
        String most = base + "-z-most";
        String first = base + "-a";
        String second = base + "-b";
        createArticle(author, "Ranked one " + base, List.of(second, most));
        createArticle(author, "Ranked two " + base, List.of(most));
        createArticle(author, "Ranked three " + base, List.of(first, most));

        List<String> tags = anonymous().get("/api/tags").then().statusCode(200).extract().path("tags");
        assertTrue(tags.size() <= popularMax, tags.size() + " tags listed");
        assertTrue(tags.indexOf(most) >= 0 && tags.indexOf(most) < tags.indexOf(first) && tags.indexOf(first) < tags.indexOf(second),
                "used 3 times before once each, those by name: " + most + ", " + first + ", " + second);
    }

    @Test
    void atMostTheBoundAreListedTheMostUsedFirst() throws Exception {
        Account author = register("bounded");
        String base = uniqueName("bounded");
        createArticle(author, "Bounded one " + base, List.of(base + "-a", base + "-b", base + "-c"));
        createArticle(author, "Bounded two " + base, List.of(base + "-a"));

        List<String> all = repository.mostUsed(popularMax).await().atMost(Duration.ofSeconds(30));
        assertEquals(all.subList(0, 3), repository.mostUsed(3).await().atMost(Duration.ofSeconds(30)),
                "a smaller bound cuts the same order short");
        assertEquals(all.subList(0, 1), repository.mostUsed(1).await().atMost(Duration.ofSeconds(30)));
        // The order, against the counts themselves: only tags in use, the most used first.
        Map<String, Long> counts = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("select name, articles_count from tags where name = any(?)")) {
            statement.setArray(1, connection.createArrayOf("text", all.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        for (int i = 0; i < all.size(); i++) {
            long count = counts.get(all.get(i));
            assertTrue(count > 0 && (i == 0 || count <= counts.get(all.get(i - 1))),
                    all.get(i) + " (" + count + ") listed after " + (i == 0 ? "nothing" : all.get(i - 1) + " (" + counts.get(all.get(i - 1)) + ")"));
        }
        assertTrue(all.indexOf(base + "-a") < all.indexOf(base + "-b") && all.indexOf(base + "-b") < all.indexOf(base + "-c"),
                "used twice before once, those by name");
    }

    @Test
    void onlyWritesThatCanChangeTheTagsEmptyTheirView() {
        Account author = register("steady");
        String tag = uniqueName("steady");
        String slug = createArticle(author, "Steady " + tag, List.of(tag));
        anonymous().get("/api/tags").then().statusCode(200).body("tags", hasItem(tag));
        double misses = tagsMisses();

        author.as().body(Map.of("article", Map.of("body", "a new body", "description", "a new description")))
                .put("/api/articles/" + slug).then().statusCode(200);
        slug = author.as().body(Map.of("article", Map.of("title", "Steady, renamed " + tag)))
                .put("/api/articles/" + slug).then().statusCode(200).extract().path("article.slug");
        createArticle(author, "Untagged " + tag, List.of());
        anonymous().get("/api/tags").then().statusCode(200).body("tags", hasItem(tag));
        assertEquals(misses, tagsMisses(), "tags view loaded again after updates and an untagged article");

        String added = uniqueName("added");
        String tagged = createArticle(author, "Tagged " + tag, List.of(added, tag));
        anonymous().get("/api/tags").then().body("tags", hasItems(added, tag));
        author.as().delete("/api/articles/" + tagged).then().statusCode(204);
        anonymous().get("/api/tags").then().body("tags", hasItem(tag)).body("tags", not(hasItem(added)));
        author.as().delete("/api/articles/" + slug).then().statusCode(204);
        anonymous().get("/api/tags").then().body("tags", not(hasItem(tag)));
        assertEquals(misses + 3, tagsMisses(), "tags view loaded again after each write that changed it");
    }

    @Test
    void anAccountsNewTagsAreBoundedButExistingTagsNeverAre() throws Exception {
        Account greedy = register("greedy");
        Account other = register("modest");
        String base = uniqueName("minted");
        // The whole budget, in articles of as many new tags as one may carry.
        List<String> minted = IntStream.range(0, newPerHour).mapToObj(i -> base + "-" + i).toList();
        for (int from = 0; from < minted.size(); from += tagsPerArticle) {
            createArticle(greedy, "Minting " + from + " " + base, minted.subList(from, Math.min(minted.size(), from + tagsPerArticle)));
        }
        int articles = greedy.as().queryParam("author", greedy.username()).get("/api/articles").then().extract().path("articlesCount");

        List<String> refusedTags = IntStream.range(0, Math.min(tagsPerArticle, newPerHour)).mapToObj(i -> base + "-over-" + i).toList();
        Response refused = greedy.as().body(Map.of("article", Map.of("title", "Over " + base, "description", "d", "body", "b",
                "tagList", refusedTags))).post("/api/articles");
        refused.then().statusCode(429).body("errors.body[0]", org.hamcrest.Matchers.startsWith("too many requests, retry in "))
                .header("RateLimit-Limit", String.valueOf(newPerHour));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= 3600, "Retry-After " + retryAfter);
        assertEquals("0", SizedData.value(dataSource, "select count(*) from tags where name like '" + base + "-over-%'"),
                "no tag written");
        greedy.as().queryParam("author", greedy.username()).get("/api/articles").then().body("articlesCount", equalTo(articles));

        // Tags that exist, the account's own or anyone's, and no tags at all, are never limited.
        greedy.as().body(Map.of("article", Map.of("title", "Reusing " + base, "description", "d", "body", "b",
                "tagList", minted.subList(0, Math.min(tagsPerArticle, minted.size()))))).post("/api/articles")
                .then().statusCode(201).body("article.tagList", contains(minted.subList(0, Math.min(tagsPerArticle, minted.size())).toArray()));
        createArticle(greedy, "Untagged " + base, List.of());
        // Another account has a budget of its own.
        createArticle(other, "Modest " + base, List.of(refusedTags.get(0)));
    }

    @Test
    void concurrentArticlesWithTheSameNewTagsShareOneTag() throws Exception {
        Account author = register("racer");
        String tagA = uniqueName("new-a");
        String tagB = uniqueName("new-b");
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                // Half the writers list the tags in the other order: the server must not deadlock on them.
                List<String> tags = i % 2 == 0 ? List.of(tagA, tagB) : List.of(tagB, tagA);
                String title = "Race " + i;
                statuses.add(CompletableFuture.supplyAsync(() -> author.as()
                        .body(Map.of("article", Map.of("title", title, "description", "d",
                                "body", "b", "tagList", tags)))
                        .post("/api/articles").statusCode(), clients));
            }
            statuses.forEach(status -> assertEquals(201, status.join()));
        } finally {
            clients.shutdownNow();
        }
        List<String> tags = anonymous().get("/api/tags").then().extract().path("tags");
        assertEquals(1, tags.stream().filter(tagA::equals).count());
        anonymous().queryParam("tag", tagA).get("/api/articles").then().body("articlesCount", equalTo(8));
    }

    private double tagsMisses() {
        return registry.get("cache.gets").tag("cache", ReadCaches.TAGS).tag("result", "miss").functionCounter().count();
    }
}

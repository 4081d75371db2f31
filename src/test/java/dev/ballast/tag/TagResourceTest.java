package dev.ballast.tag;

import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.register;
import static dev.ballast.Api.uniqueName;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.Api.Account;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TagResourceTest {

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
                        .body(java.util.Map.of("article", java.util.Map.of("title", title, "description", "d",
                                "body", "b", "tagList", tags)))
                        .post("/api/articles").statusCode(), clients));
            }
            statuses.forEach(status -> assertEquals(201, status.join()));
        } finally {
            clients.shutdownNow();
        }
        List<String> tags = anonymous().get("/api/tags").then().extract().path("tags");
        assertEquals(1, tags.stream().filter(tagA::equals).count());
        anonymous().queryParam("tag", tagA).get("/api/articles").then().body("articlesCount", org.hamcrest.Matchers.equalTo(8));
    }
}

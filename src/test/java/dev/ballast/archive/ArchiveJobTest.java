package dev.ballast.archive;

import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.favorite;
import static dev.ballast.Api.follow;
import static dev.ballast.Api.register;
import static dev.ballast.Api.uniqueName;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.Api.Account;
import dev.ballast.SizedData;
import dev.ballast.TestSettings;
import dev.ballast.archive.ArchiveJob.Outcome;
import dev.ballast.cache.ReadCaches;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Articles idle past ARCHIVE_AFTER_DAYS leave lists and counts but still answer, and come back on a write that
 * is allowed and changes them, emptying what their return changes here and on every replica.
 */
@QuarkusTest
class ArchiveJobTest {

    @Inject
    ArchiveJob job;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "ballast.db.write-batch.concurrency")
    int batchesAtOnce;

    @ConfigProperty(name = "ballast.cache.notify.channel")
    String channel;

    private void sql(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Makes an article and everything on it look 400 days old. */
    private void idle(String slug) throws SQLException {
        String article = "(select id from articles where slug = '" + slug + "')";
        sql("update comments set created_at = now() - interval '400 days' where article_id = " + article);
        sql("update favorites set created_at = now() - interval '400 days' where article_id = " + article);
        sql("update articles set updated_at = now() - interval '400 days', restored_at = null where slug = '" + slug + "'");
    }

    private boolean archived(String slug) throws SQLException {
        return "1".equals(SizedData.value(dataSource, "select count(*) from archived_articles where slug = '" + slug + "'"));
    }

    private Outcome run() {
        return job.run().await().indefinitely();
    }

    @Test
    void anIdleArticleLeavesListsAndCountsButStillAnswers() throws Exception {
        Account author = register("archived");
        Account reader = register("reader");
        follow(reader, author);
        String tag = uniqueName("bygone");
        String slug = createArticle(author, "Old news", List.of(tag));
        favorite(reader, slug);
        reader.as().body(Map.of("comment", Map.of("body", "First!"))).post("/api/articles/" + slug + "/comments")
                .then().statusCode(200);
        String busy = createArticle(author, "Old but discussed", List.of());
        idle(slug);
        idle(busy);
        reader.as().body(Map.of("comment", Map.of("body", "Still relevant"))).post("/api/articles/" + busy + "/comments")
                .then().statusCode(200);
        reader.as().get("/api/articles/feed").then().body("articlesCount", equalTo(2)); // cached before the run
        double movedBefore = registry.counter("ballast.archive.rows.moved", "table", "articles").count();

        assertEquals(Outcome.DONE, run());

        assertTrue(archived(slug), "idle article archived");
        assertTrue(!archived(busy), "an article commented on recently stays");
        assertTrue(registry.counter("ballast.archive.rows.moved", "table", "articles").count() >= movedBefore + 1);
        assertTrue(registry.get("ballast.archive.last.success.seconds").gauge().value() > 0);
        assertEquals("0", SizedData.value(dataSource, SizedData.DRIFTED_COUNTERS), "counters after archiving");

        reader.as().queryParam("author", author.username()).get("/api/articles")
                .then().body("articlesCount", equalTo(1)).body("articles.slug", contains(busy));
        reader.as().queryParam("tag", tag).get("/api/articles").then().body("articlesCount", equalTo(0)).body("articles", empty());
        reader.as().queryParam("favorited", reader.username()).get("/api/articles")
                .then().body("articlesCount", equalTo(0));
        reader.as().get("/api/articles/feed").then().body("articlesCount", equalTo(1)).body("articles.slug", contains(busy));
        reader.as().get("/api/tags").then().body("tags", not(hasItem(tag)));

        reader.as().get("/api/articles/" + slug).then().statusCode(200)
                .body("article.title", equalTo("Old news")).body("article.tagList", contains(tag))
                .body("article.favorited", equalTo(true)).body("article.favoritesCount", equalTo(1));
        anonymous().get("/api/articles/" + slug + "/comments").then().statusCode(200)
                .body("comments.body", contains("First!"));
    }

    @Test
    void everyWriteToAnArchivedArticleRestoresItFirst() throws Exception {
        Account author = register("restored");
        Account reader = register("writer");
        String tag = uniqueName("revived");
        String commented = createArticle(author, "Commented again", List.of(tag));
        String favorited = createArticle(author, "Favorited again", List.of(tag));
        String updated = createArticle(author, "Updated again", List.of(tag));
        String deleted = createArticle(author, "Deleted at last", List.of(tag));
        favorite(reader, favorited);
        for (String slug : List.of(commented, favorited, updated, deleted)) {
            idle(slug);
        }
        run();
        for (String slug : List.of(commented, favorited, updated, deleted)) {
            assertTrue(archived(slug), slug + " archived");
        }
        Account follower = register("follower");
        follow(follower, author);
        follower.as().get("/api/articles/feed").then().body("articlesCount", equalTo(0)); // cached while archived

        reader.as().body(Map.of("comment", Map.of("body", "Back again"))).post("/api/articles/" + commented + "/comments")
                .then().statusCode(200);
        reader.as().delete("/api/articles/" + favorited + "/favorite").then().statusCode(200)
                .body("article.favoritesCount", equalTo(0));
        author.as().body(Map.of("article", Map.of("body", "New body"))).put("/api/articles/" + updated)
                .then().statusCode(200).body("article.body", equalTo("New body"));
        author.as().delete("/api/articles/" + deleted).then().statusCode(204);

        anonymous().get("/api/articles/" + deleted).then().statusCode(404);
        reader.as().queryParam("tag", tag).get("/api/articles").then().body("articlesCount", equalTo(3));
        reader.as().get("/api/articles/" + commented + "/comments").then().body("comments.body", contains("Back again"));
        follower.as().get("/api/articles/feed").then().body("articlesCount", equalTo(3))
                .body("articles.slug", contains(updated, favorited, commented));
        assertEquals("0", SizedData.value(dataSource, SizedData.DRIFTED_COUNTERS), "counters after restoring");

        // Restored counts as activity: the next run leaves them live.
        run();
        reader.as().queryParam("tag", tag).get("/api/articles").then().body("articlesCount", equalTo(3));
    }

    @Test
    void aWriteThatIsRefusedOrChangesNothingLeavesAnArchivedArticleArchived() throws Exception {
        Account author = register("keeper");
        Account other = register("intruder");
        String slug = createArticle(author, "Left alone", List.of());
        int comment = author.as().body(Map.of("comment", Map.of("body", "mine"))).post("/api/articles/" + slug + "/comments")
                .then().statusCode(200).extract().path("comment.id");
        idle(slug);
        run();
        String clock = "select updated_at::text || '/' || coalesce(restored_at::text, '-') from archived_articles where slug = '" + slug + "'";
        String before = SizedData.value(dataSource, clock);

        other.as().body(Map.of("article", Map.of("body", "defaced"))).put("/api/articles/" + slug).then().statusCode(403);
        other.as().delete("/api/articles/" + slug).then().statusCode(403);
        other.as().delete("/api/articles/" + slug + "/comments/" + comment).then().statusCode(403);
        other.as().delete("/api/articles/" + slug + "/favorite").then().statusCode(200).body("article.favorited", equalTo(false));

        assertTrue(archived(slug), "still archived after writes that were refused or changed nothing");
        assertEquals(before, SizedData.value(dataSource, clock), "its archive clock unchanged");
        anonymous().get("/api/articles/" + slug).then().statusCode(200).body("article.body", equalTo("The body of Left alone"));
    }

    @Test
    void aRestoreEmptiesTheListsTagsTimelinesAndCountsItChangesHereAndOnEveryReplica() throws Exception {
        Account author = register("comeback");
        Account reader = register("caller");
        follow(reader, author);
        String tag = uniqueName("returning");
        String slug = createArticle(author, "Coming back", List.of(tag));
        idle(slug);
        run();
        // Cached on this replica while the article is archived.
        reader.as().get("/api/articles/feed").then().body("articlesCount", equalTo(0));
        anonymous().queryParam("tag", tag).get("/api/articles").then().body("articlesCount", equalTo(0));
        anonymous().queryParam("author", author.username()).get("/api/articles").then().body("articlesCount", equalTo(0));
        anonymous().get("/api/tags").then().body("tags", not(hasItem(tag)));

        try (Connection listener = dataSource.getConnection(); Statement statement = listener.createStatement()) {
            statement.execute("listen " + channel);
            reader.as().body(Map.of("comment", Map.of("body", "welcome back"))).post("/api/articles/" + slug + "/comments")
                    .then().statusCode(200);

            anonymous().queryParam("tag", tag).get("/api/articles").then().body("articlesCount", equalTo(1))
                    .body("articles.slug", contains(slug));
            anonymous().queryParam("author", author.username()).get("/api/articles").then().body("articlesCount", equalTo(1));
            anonymous().get("/api/tags").then().body("tags", hasItem(tag));
            reader.as().get("/api/articles/feed").then().body("articlesCount", equalTo(1)).body("articles.slug", contains(slug));

            statement.execute("select 1"); // notifications arrive with the next exchange
            PGNotification[] heard = listener.unwrap(PGConnection.class).getNotifications(5_000);
            assertTrue(heard != null && heard.length == 1, "one notice for the restoring write");
            JsonArray emptied = new JsonObject(heard[0].getParameter()).getJsonArray("all");
            assertTrue(emptied.contains(ReadCaches.ARTICLE_LISTS) && emptied.contains(ReadCaches.TAGS)
                            && emptied.contains(ReadCaches.ARTICLE_TIMELINES),
                    "every replica empties the lists, the tags and the timelines: " + heard[0].getParameter());
            statement.execute("unlisten *");
        }
    }

    @Test
    void anUpdateThatBringsAnArticleBackListsItsTagsAgainAtOnce() throws Exception {
        // An update of a live article leaves the tags view cached (TagResourceTest); one that restores it does not.
        Account author = register("updater");
        String tag = uniqueName("updated-back");
        String slug = createArticle(author, "Updated back", List.of(tag));
        idle(slug);
        run();
        anonymous().get("/api/tags").then().body("tags", not(hasItem(tag))); // cached while archived

        author.as().body(Map.of("article", Map.of("body", "Back with a new body"))).put("/api/articles/" + slug)
                .then().statusCode(200);
        assertFalse(archived(slug), "live again");
        anonymous().get("/api/tags").then().body("tags", hasItem(tag));
    }

    @Test
    void writesRacingToRestoreOneArticleAllLandOnItOnceItIsBack() throws Exception {
        Account author = register("raced");
        String slug = createArticle(author, "Raced back", List.of());
        idle(slug);
        run();
        assertTrue(archived(slug), "archived");
        List<Account> readers = List.of(register("racer"), register("racer"), register("racer"), register("racer"));

        // The archived row held locked, so that as many writes as may run at once (the batches of one statement)
        // reach the restore before any can take it out of the archive: one restores it, the others find it gone
        // and are tried again against the live article, as are the writes that waited for a batch meanwhile.
        List<CompletableFuture<Integer>> writes;
        try (Connection holder = dataSource.getConnection(); Statement statement = holder.createStatement()) {
            holder.setAutoCommit(false);
            statement.execute("select 1 from archived_articles where slug = '" + slug + "' for update");
            writes = readers.stream()
                    .map(reader -> CompletableFuture.supplyAsync(
                            () -> reader.as().post("/api/articles/" + slug + "/favorite").then().extract().statusCode()))
                    .toList();
            String waiting = "select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                    + " and query like '%restore_archived_article%' and pid <> pg_backend_pid()";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String racing = String.valueOf(Math.min(readers.size(), batchesAtOnce));
            while (!racing.equals(SizedData.value(dataSource, waiting)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(racing, SizedData.value(dataSource, waiting), "every write that may run waiting to restore");
            holder.rollback();
        }
        for (CompletableFuture<Integer> write : writes) {
            assertEquals(200, write.get(10, TimeUnit.SECONDS));
        }

        assertFalse(archived(slug), "live again");
        anonymous().get("/api/articles/" + slug).then().statusCode(200).body("article.favoritesCount", equalTo(readers.size()));
        assertEquals("0", SizedData.value(dataSource, "select count(*) from archived_favorites f join archived_articles a"
                + " on a.id = f.article_id where a.slug = '" + slug + "'"), "nothing of it left in the archive");
        assertEquals("0", SizedData.value(dataSource, SizedData.DRIFTED_COUNTERS), "counters after the race");
    }

    @Test
    void aNewArticleDoesNotTakeTheSlugOfAnArchivedOne() throws Exception {
        Account author = register("slugs");
        String old = createArticle(author, "Same title " + uniqueName("x"), List.of());
        idle(old);
        run();
        String title = SizedData.value(dataSource, "select title from archived_articles where slug = '" + old + "'");
        String fresh = createArticle(author, title, List.of());
        assertTrue(!fresh.equals(old), "a new slug");
        author.as().body(Map.of("comment", Map.of("body", "revive"))).post("/api/articles/" + old + "/comments")
                .then().statusCode(200);
    }

    @Test
    void theLastSuccessIsReadFromTheDatabaseSoThatARestartDoesNotResetIt() throws Exception {
        sql("update archive_state set last_success_at = '2026-01-02T03:04:05Z'");
        try {
            job.readLastSuccess(); // as at start-up, or after a run another replica did
            long expected = OffsetDateTime.parse("2026-01-02T03:04:05Z").toEpochSecond();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (registry.find("ballast.archive.last.success.seconds").gauge() == null
                    || registry.get("ballast.archive.last.success.seconds").gauge().value() != expected) {
                assertTrue(System.nanoTime() < deadline, "the gauge did not take the database's time");
                Thread.sleep(20);
            }
        } finally {
            job.run().await().atMost(Duration.ofSeconds(30));
        }
    }

    @Test
    void withoutAScheduleThereIsNoLastSuccessToAlertOn() {
        MeterRegistry own = new SimpleMeterRegistry();
        new ArchiveJob(null, null, null, own, TestSettings.of(ArchiveSettings.class, Map.of("ballast.archive.cron", "off")))
                .start(null);
        assertNull(own.find("ballast.archive.last.success.seconds").gauge());
    }

    @Test
    void onlyOneRunAtATime() throws Exception {
        try (Connection other = dataSource.getConnection(); Statement statement = other.createStatement()) {
            statement.execute("select pg_advisory_lock(hashtext('ballast.archive'))");
            assertEquals(Outcome.SKIPPED, run(), "a run while another replica holds the lock");
            statement.execute("select pg_advisory_unlock(hashtext('ballast.archive'))");
        }
        List<Outcome> both = Uni.join().all(job.run(), job.run()).andFailFast().await().indefinitely();
        assertTrue(both.contains(Outcome.DONE), "one of two runs started at once archives: " + both);
        assertEquals("0", SizedData.value(dataSource, SizedData.DRIFTED_COUNTERS), "counters after two runs at once");
        assertEquals(Outcome.DONE, run(), "the lock is released after a run");
    }

    @Test
    void anInterruptedRunResumesWhereItStopped() throws Exception {
        Account author = register("resumed");
        String before = createArticle(author, "Before the stop", List.of());
        String afterStop = createArticle(author, "After the stop", List.of());
        idle(before);
        idle(afterStop);
        // As a run that committed the batches up to and including "before", then stopped.
        sql("update archive_state set cutoff = now() - interval '365 days',"
                + " next_id = (select id from articles where slug = '" + before + "')");

        assertEquals(Outcome.DONE, run());

        assertTrue(!archived(before), "the resumed run starts after where the interrupted one stopped");
        assertTrue(archived(afterStop));
        assertEquals("1", SizedData.value(dataSource, "select count(*) from archive_state where cutoff is null and next_id is null"));
        run();
        assertTrue(archived(before), "the next run starts from the beginning");
    }
}

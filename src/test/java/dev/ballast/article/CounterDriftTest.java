package dev.ballast.article;

import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.register;
import static dev.ballast.Api.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.Api.Account;
import dev.ballast.SizedData;
import dev.ballast.archive.ArchiveJob;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The counters behind articlesCount (V8 and V16 triggers) and favoritesCount equal the true counts after a burst of
 * concurrent writes through the API (articles created with shared tags, favorited, unfavorited and deleted at once;
 * many users, and the same user twice at once, favoriting and unfavoriting one article), after statements that add,
 * move or remove many articles at once, and after concurrent transactions of such statements, which must not
 * deadlock. Two transactions of favorites on one article (as two batches run them) cannot deadlock either.
 */
@QuarkusTest
class CounterDriftTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ArchiveJob archive;

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    private static final int FANS = 12;
    private static final int WRITES_PER_THREAD = 25;

    /**
     * One popular article: each of its fans favorites and unfavorites it at random from two threads at once, so
     * that favorites and unfavorites of many users, and of the same user, race. Every write answers 200 with the
     * article's state after it; none deadlocks; the count equals the favorites at the end.
     */
    @Test
    void manyWritersOnOneArticleKeepItsCountExactAndNeverDeadlock() throws Exception {
        Account author = register("popular");
        String slug = createArticle(author, "Popular " + uniqueName("p"), List.of());
        List<Account> fans = new ArrayList<>();
        for (int i = 0; i < FANS; i++) {
            fans.add(register("fan"));
        }
        double splitsBefore = splits();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(2 * FANS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Account fan : fans) {
                for (int twice = 0; twice < 2; twice++) {
                    running.add(threads.submit(() -> {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        for (int i = 0; i < WRITES_PER_THREAD; i++) {
                            boolean favorite = random.nextBoolean();
                            var request = fan.as();
                            var response = favorite ? request.post("/api/articles/" + slug + "/favorite")
                                    : request.delete("/api/articles/" + slug + "/favorite");
                            if (response.statusCode() != 200) {
                                failures.add(fan.username() + ": " + response.statusCode() + " " + response.asString());
                            } else if (response.<Integer>path("article.favoritesCount") < 0
                                    || response.<Integer>path("article.favoritesCount") > FANS) {
                                failures.add(fan.username() + ": count " + response.path("article.favoritesCount"));
                            }
                        }
                    }));
                }
            }
            for (Future<?> thread : running) {
                thread.get();
            }
        } finally {
            threads.shutdown();
        }
        assertTrue(failures.isEmpty(), "unexpected answers: " + failures);
        // A batch that Postgres failed for a deadlock is run again call by call, so every answer above is still 200.
        assertEquals(splitsBefore, splits(), "batches of favorites failed (deadlocks) and run again call by call");
        String favorites = SizedData.value(dataSource,
                "select count(*) from favorites f join articles a on a.id = f.article_id where a.slug = '" + slug + "'");
        assertEquals(favorites, SizedData.value(dataSource, "select favorites_count from articles where slug = '" + slug + "'"));
        assertEquals(Integer.parseInt(favorites), author.as().get("/api/articles/" + slug).<Integer>path("article.favoritesCount"));
    }

    /**
     * Two transactions favoriting one article, as two batches of favorites do: the first favorites it for one user;
     * the second, for a second user, must then wait for the first without holding anything of the article (the
     * second user's favorite above all); the first then favorites it for that second user too and commits. Had the
     * second taken the second user's favorite before waiting, the two would wait for each other until Postgres
     * broke the deadlock after deadlock_timeout, failing one of them.
     */
    @Test
    void twoTransactionsFavoritingOnePopularArticleCannotDeadlock() throws Exception {
        Account author = register("popular");
        String slug = createArticle(author, "Popular " + uniqueName("p"), List.of());
        long first = userId(register("fan"));
        long second = userId(register("fan"));
        SqlConnection one = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        SqlConnection other = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            Transaction oneTransaction = one.begin().await().atMost(Duration.ofSeconds(10));
            Transaction otherTransaction = other.begin().await().atMost(Duration.ofSeconds(10));
            favorite(one, slug, first).await().atMost(Duration.ofSeconds(10));
            int otherPid = Integer.parseInt(String.valueOf(other.query("select pg_backend_pid()").execute()
                    .await().atMost(Duration.ofSeconds(10)).iterator().next().getValue(0)));
            var waiting = favorite(other, slug, second).subscribeAsCompletionStage();
            for (int i = 0; i < 100 && !"Lock".equals(SizedData.value(dataSource,
                    "select wait_event_type from pg_stat_activity where pid = " + otherPid)); i++) {
                Thread.sleep(20);
            }
            assertEquals("Lock", SizedData.value(dataSource, "select wait_event_type from pg_stat_activity where pid = " + otherPid),
                    "the second transaction waits for the first");
            favorite(one, slug, second).await().atMost(Duration.ofSeconds(10));
            oneTransaction.commit().await().atMost(Duration.ofSeconds(10));
            waiting.get(10, TimeUnit.SECONDS);
            otherTransaction.commit().await().atMost(Duration.ofSeconds(10));
        } finally {
            one.close().await().atMost(Duration.ofSeconds(10));
            other.close().await().atMost(Duration.ofSeconds(10));
        }
        assertEquals("2", SizedData.value(dataSource, "select favorites_count from articles where slug = '" + slug + "'"));
        assertNoDrift("after two transactions favoriting one article");
    }

    private static Uni<RowSet<Row>> favorite(SqlConnection connection, String slug, long userId) {
        return connection.preparedQuery(ArticleRepository.FAVORITE.sql())
                .execute(Tuple.of(slug, userId));
    }

    private long userId(Account account) throws SQLException {
        return Long.parseLong(SizedData.value(dataSource, "select id from users where username = '" + account.username() + "'"));
    }

    private double splits() {
        return registry.find("ballast.db.write.batch.split").counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void noCounterDriftsAfterConcurrentWritesAndDeletes() throws Exception {
        List<String> tags = List.of(uniqueName("hot"), uniqueName("warm"), uniqueName("cold"));
        List<Account> writers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            writers.add(register("drift"));
        }
        List<String> shared = new ArrayList<>();
        for (Account writer : writers) {
            shared.add(createArticle(writer, "Shared by " + writer.username(), tags));
        }
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(writers.size());
        try {
            List<Future<?>> bursts = new ArrayList<>();
            for (int i = 0; i < writers.size(); i++) {
                Account writer = writers.get(i);
                String mine = shared.get(i);
                bursts.add(pool.submit(() -> burst(writer, mine, tags, shared, failures)));
            }
            for (Future<?> burst : bursts) {
                burst.get();
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(failures.isEmpty(), "unexpected statuses: " + failures);
        assertEquals("0", SizedData.value(dataSource, SizedData.DRIFTED_COUNTERS), "counters that differ from the true count");
    }

    /**
     * One writer: creates articles with the shared tags, favorites and unfavorites the shared articles, deletes
     * some of its own, and at last its shared article with the favorites it has (others' favorites of it may then
     * find it gone: 404).
     */
    private static void burst(Account writer, String mine, List<String> tags, List<String> shared,
                              ConcurrentLinkedQueue<String> failures) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<String> own = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int status;
            switch (random.nextInt(4)) {
                case 0 -> {
                    var response = writer.as().body(Map.of("article", Map.of("title", "Burst " + uniqueName("t"),
                                    "description", "d", "body", "b", "tagList", tags.subList(0, 1 + random.nextInt(3)))))
                            .post("/api/articles");
                    status = response.statusCode();
                    if (status == 201) {
                        own.add(response.path("article.slug"));
                    }
                }
                case 1 -> status = writer.as().post("/api/articles/" + shared.get(random.nextInt(shared.size())) + "/favorite")
                        .statusCode();
                case 2 -> status = writer.as().delete("/api/articles/" + shared.get(random.nextInt(shared.size())) + "/favorite")
                        .statusCode();
                default -> status = own.isEmpty() ? 200
                        : writer.as().delete("/api/articles/" + own.remove(own.size() - 1)).statusCode();
            }
            if (status >= 300 && status != 404) {
                failures.add(writer.username() + ": " + status);
            }
        }
        int deleted = writer.as().delete("/api/articles/" + mine).statusCode();
        if (deleted != 200 && deleted != 204) {
            failures.add(writer.username() + " deleting " + mine + ": " + deleted);
        }
    }

    @Test
    void noCounterDriftsAfterBulkStatements() throws Exception {
        String batch = uniqueName("bulk");
        Long[] authors = users(batch, 5);
        long tag = tag(batch);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            addArticles(connection, batch, 0, 600, authors, tag);
            connection.commit();
            assertNoDrift("after adding 600 articles, their tags and favorites in three statements");

            update(connection, "update articles set author_id = ? where author_id = ? and slug like ?", authors[1], authors[0], batch + "%");
            connection.commit();
            assertNoDrift("after moving one author's articles to another");

            update(connection, "update favorites set created_at = now() - interval '400 days' where article_id in (select id from articles where slug like ?)", batch + "%");
            update(connection, "update articles set updated_at = now() - interval '400 days' where slug like ?", batch + "%");
            connection.commit();
            archive.run().await().indefinitely();
            assertEquals("600", SizedData.value(dataSource, "select count(*) from archived_articles where slug like '" + batch + "%'"));
            assertNoDrift("after archiving them in batches");

            // An operator's restore of the whole batch at once, in one statement, as restore_archived_article (V22) restores one.
            update(connection, """
                    with article as (delete from archived_articles where slug like ? returning *),
                    restored as (insert into articles overriding system value select * from article),
                    its_tags as (delete from archived_article_tags where article_id in (select id from article) returning *),
                    restored_tags as (insert into article_tags select * from its_tags),
                    its_favorites as (delete from archived_favorites where article_id in (select id from article) returning *),
                    restored_favorites as (insert into favorites select * from its_favorites)
                    select count(*) from article""", batch + "%");
            connection.commit();
            assertEquals("600", SizedData.value(dataSource, "select count(*) from articles where slug like '" + batch + "%'"));
            assertNoDrift("after restoring them in one statement");

            update(connection, "delete from articles where slug like ? and id % 3 <> 0", batch + "%");
            connection.commit();
            assertNoDrift("after deleting 400 of them in one statement");
        }
    }

    @Test
    void concurrentBulkTransactionsNeitherDeadlockNorDrift() throws Exception {
        String batch = uniqueName("concurrent");
        Long[] authors = users(batch, 8);
        List<Long> tags = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tags.add(tag(batch + "-" + i));
        }
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        int writers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String own = batch + "-w" + w + "-";
                running.add(pool.submit(() -> bulkWriter(own, authors, tags, failures)));
            }
            for (Future<?> writer : running) {
                writer.get();
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(failures.isEmpty(), "failed transactions: " + failures);
        assertNoDrift("after concurrent bulk transactions");
    }

    /**
     * Transactions of several bulk statements on the writer's own articles, whose authors, favoriters and tags
     * are shared with the other writers (each in its own random order): add articles with tags and favorites,
     * hand some to other authors, delete some. Only counter rows are contended.
     */
    private void bulkWriter(String own, Long[] authors, List<Long> tags, ConcurrentLinkedQueue<String> failures) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            for (int round = 0; round < 15; round++) {
                List<Long> shuffled = new ArrayList<>(List.of(authors));
                Collections.shuffle(shuffled, random);
                try {
                    addArticles(connection, own, round * 40, 40, shuffled.toArray(Long[]::new), tags.get(random.nextInt(tags.size())));
                    update(connection, "update articles set author_id = ? where slug like ? and id % 5 = ?",
                            shuffled.get(0), own + "%", (long) random.nextInt(5));
                    update(connection, "delete from articles where slug like ? and id % 4 = ?", own + "%", (long) random.nextInt(4));
                    connection.commit();
                } catch (SQLException e) {
                    connection.rollback();
                    failures.add(own + " round " + round + ": " + e.getSQLState() + " " + e.getMessage());
                }
            }
        } catch (SQLException e) {
            failures.add(own + ": " + e.getMessage());
        }
    }

    /**
     * Three statements: {@code count} articles (numbered from {@code from}) by the given authors in turn, each linked
     * to the tag and favorited by two of the authors (with the article's own count, as the service does).
     */
    private static void addArticles(Connection connection, String prefix, int from, int count, Long[] authors, long tag)
            throws SQLException {
        try (PreparedStatement articles = connection.prepareStatement("""
                insert into articles (slug, title, description, body, author_id)
                select ? || g, 'Bulk ' || g, 'd', 'b', (?::bigint[])[1 + g % cardinality(?::bigint[])]
                from generate_series(?::int, ?::int) g""");
             PreparedStatement links = connection.prepareStatement("""
                insert into article_tags (article_id, tag_id, position)
                select id, ?, 0 from articles where slug like ? || '%' on conflict do nothing""");
             PreparedStatement favorites = connection.prepareStatement("""
                with added as (
                    insert into favorites (user_id, article_id)
                    select (?::bigint[])[1 + (a.id + k) % cardinality(?::bigint[])], a.id
                    from articles a, generate_series(0, 1) k where a.slug like ? || '%' on conflict do nothing
                    returning article_id)
                update articles a set favorites_count = a.favorites_count + n
                from (select article_id, count(*) as n from added group by article_id) c where a.id = c.article_id""")) {
            Array ids = connection.createArrayOf("bigint", authors);
            articles.setString(1, prefix);
            articles.setArray(2, ids);
            articles.setArray(3, ids);
            articles.setInt(4, from);
            articles.setInt(5, from + count - 1);
            articles.executeUpdate();
            links.setLong(1, tag);
            links.setString(2, prefix);
            links.executeUpdate();
            favorites.setArray(1, ids);
            favorites.setArray(2, ids);
            favorites.setString(3, prefix);
            favorites.executeUpdate();
        }
    }

    private static void update(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.execute();
        }
    }

    private Long[] users(String prefix, int count) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     insert into users (username, email, password_hash)
                     select ? || g, ? || g || '@example.com', 'x' from generate_series(1, ?) g returning id""")) {
            insert.setString(1, prefix + "-");
            insert.setString(2, prefix + "-");
            insert.setInt(3, count);
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            }
        }
        return ids.toArray(Long[]::new);
    }

    private long tag(String name) throws SQLException {
        return Long.parseLong(SizedData.value(dataSource, "insert into tags (name) values ('" + name + "') returning id"));
    }

    private void assertNoDrift(String when) throws SQLException {
        assertEquals("0", SizedData.value(dataSource, SizedData.DRIFTED_COUNTERS), "counters that differ from the true count " + when);
    }
}

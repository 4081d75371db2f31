package dev.ballast.article;

import static dev.ballast.SizedData.assertReadsIndex;
import static dev.ballast.SizedData.explain;
import static dev.ballast.SizedData.value;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.SizedData;
import dev.ballast.viewer.ViewerFlags;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every list statement, as ArticleRepository builds it, reads its index on a data set large enough that
 * the planner chooses as it does at size, and never reads a large table sequentially: a page's ids come
 * from the filter's index (index-only for the whole list; at this size a tag's 40 rows may be read by a
 * bitmap scan of the same index: docs/at-size.md has the plans at 1M articles), its count from a counter,
 * in the same statement; a viewer's flags over a page are primary-key lookups; the feed's shared parts read
 * each followed author's newest entries and a page's articles by slug.
 */
@QuarkusTest
class PlanTest {

    @Inject
    AgroalDataSource dataSource;

    private long viewer;
    private String tag;
    private String author;
    private String favoriter;

    @BeforeEach
    void sizedData() throws Exception {
        SizedData.ensure(dataSource);
        // Following many, but a small share of all users (at this size the 1% who follow 500 or more follow most
        // of the 2,000 users: reading most of users is then the right plan; at 100,000 users it is not).
        viewer = Long.parseLong(value(dataSource,
                "select follower_id from follows group by 1 having count(*) <= 100 order by count(*) desc limit 1"));
        tag = value(dataSource, "select name from tags order by articles_count desc limit 1");
        author = value(dataSource, "select username from users order by articles_count desc limit 1");
        favoriter = value(dataSource, "select u.username from favorites f join users u on u.id = f.user_id"
                + " group by u.username order by count(*) desc limit 1");
    }

    /** A page and its count, one statement: the page from its index, the count from its counter's. */
    private void assertList(ArticleFilter filter, Set<String> pageIndexes, boolean indexOnly, String countIndex, int offset)
            throws Exception {
        boolean forViewer = filter.followerId() != null;
        List<Object> arguments = new ArrayList<>();
        if (forViewer) {
            arguments.add(viewer);
        }
        arguments.addAll(filter.values());
        arguments.add(20);
        arguments.add(offset);
        JsonNode plan = explain(dataSource, ArticleRepository.listStatement(filter, forViewer).sql(), arguments.toArray());
        assertReadsIndex(plan, pageIndexes, indexOnly);
        if (countIndex != null) {
            assertReadsIndex(plan, countIndex, false);
        }
    }

    @Test
    void theListOfAllArticles() throws Exception {
        ArticleFilter all = new ArticleFilter(null, null, null, null);
        // the count is the one row of article_totals
        assertList(all, Set.of("articles_created_idx"), true, null, 0);
        assertList(all, Set.of("articles_created_idx"), true, null, 5000);
    }

    @Test
    void byTag() throws Exception {
        ArticleFilter byTag = new ArticleFilter(tag, null, null, null);
        assertList(byTag, Set.of("article_tags_tag_created_idx"), false, "tags_name_key", 0);
        assertList(byTag, Set.of("article_tags_tag_created_idx"), false, "tags_name_key", 2000);
    }

    @Test
    void byAuthor() throws Exception {
        ArticleFilter byAuthor = new ArticleFilter(null, author, null, null);
        assertList(byAuthor, Set.of("articles_author_created_idx"), false, "users_username_key", 0);
    }

    @Test
    void favoritedBy() throws Exception {
        ArticleFilter favorited = new ArticleFilter(null, null, favoriter, null);
        // the count too reads only the user's own entries of favorites_user_created_idx (no counter since V18)
        assertList(favorited, Set.of("favorites_user_created_idx"), false, "users_username_key", 0);
    }

    @Test
    void theFeed() throws Exception {
        ArticleFilter feed = ArticleFilter.feedOf(viewer);
        assertList(feed, Set.of("articles_author_created_idx"), true, "follows_pkey", 0);
    }

    @Test
    void theFeedsSharedParts() throws Exception {
        // the timelines of the authors one follows: per author a primary-key lookup and their newest index entries
        String followed = "{" + value(dataSource, "select string_agg(followee_id::text, ',') from follows where follower_id = " + viewer) + "}";
        JsonNode timelines = explain(dataSource, Timelines.NEWEST.sql(), followed, 100);
        assertReadsIndex(timelines, "articles_author_created_idx", false);
        assertReadsIndex(timelines, "users_pkey", false);
        // a page's list views by their slugs
        String slugs = "{" + value(dataSource, "select string_agg(slug, ',') from (select slug from articles order by created_at desc limit 20) page") + "}";
        assertReadsIndex(explain(dataSource, ListViews.BY_SLUGS.sql(), slugs), "articles_slug_key", false);
    }

    @Test
    void oneArticle() throws Exception {
        String slug = value(dataSource, "select slug from articles order by favorites_count desc limit 1");
        assertReadsIndex(explain(dataSource, ArticleRepository.BY_SLUG.sql(), slug), "articles_slug_key", false);
    }

    @Test
    void aViewersFlagsOverAPage() throws Exception {
        String articleIds = "{" + value(dataSource, "select string_agg(id::text, ',') from (select id from articles order by created_at desc limit 20) page") + "}";
        String authorIds = "{" + value(dataSource, "select string_agg(distinct author_id::text, ',') from (select author_id from articles order by created_at desc limit 20) page") + "}";
        JsonNode plan = explain(dataSource, ViewerFlags.OF_SHOWN_IDS.sql(), viewer, articleIds, authorIds);
        // 20 primary-key probes, or the viewer's own favorites when they are fewer: the planner picks by their number
        assertReadsIndex(plan, Set.of("favorites_pkey", "favorites_user_created_idx"), false);
        assertReadsIndex(plan, "follows_pkey", false);

        // all of a viewer's flags, the cached form: their own index entries only, archived favorites included (V14)
        JsonNode all = explain(dataSource, ViewerFlags.ALL_OF_VIEWER.sql(), viewer, 501);
        assertReadsIndex(all, "favorites_user_created_idx", false);
        assertReadsIndex(all, "follows_pkey", false);
        // The sized data archives nothing: archived_favorites holds what other tests left, often a few rows the
        // planner rightly reads whole. At size it is read by its index, which must then serve this statement.
        boolean archiveNearlyEmpty = Double.parseDouble(value(dataSource,
                "select greatest(reltuples, 0) from pg_class where relname = 'archived_favorites'")) < 1000;
        assertReadsIndex(explain(dataSource, archiveNearlyEmpty, ViewerFlags.ALL_OF_VIEWER.sql(), viewer, 501),
                "archived_favorites_user_idx", false);
    }
}

package dev.ballast.article;

import static dev.ballast.SizedData.assertNoLargeTableReadSequentially;
import static dev.ballast.SizedData.assertReadsIndex;
import static dev.ballast.SizedData.explain;
import static dev.ballast.SizedData.value;

import dev.ballast.SizedData;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every list statement, as ArticleRepository builds it, reads its index on a data set large enough that
 * the planner chooses as it does at size, and never reads a large table sequentially: a page's ids come
 * from the filter's index (index-only for the whole list; at this size a tag's 40 rows may be read by a
 * bitmap scan of the same index: docs/at-size.md has the plans at 1M articles), its count from a counter.
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
        favoriter = value(dataSource, "select username from users order by favorites_count desc limit 1");
    }

    private void assertPage(ArticleFilter filter, String index, int offset) throws Exception {
        assertPage(filter, Set.of(index), offset, false);
    }

    private void assertPage(ArticleFilter filter, Set<String> indexes, int offset, boolean indexOnly) throws Exception {
        Object[] arguments = new Object[filter.values().size() + 3];
        arguments[0] = viewer;
        for (int i = 0; i < filter.values().size(); i++) {
            arguments[i + 1] = filter.values().get(i);
        }
        arguments[arguments.length - 2] = 20;
        arguments[arguments.length - 1] = offset;
        assertReadsIndex(explain(dataSource, ArticleRepository.pageStatement(filter).sql(), arguments), indexes, indexOnly);
    }

    private void assertCount(ArticleFilter filter, String index) throws Exception {
        assertReadsIndex(explain(dataSource, ArticleRepository.countStatement(filter).sql(), filter.values().toArray()),
                index, false);
    }

    @Test
    void theListOfAllArticles() throws Exception {
        ArticleFilter all = new ArticleFilter(null, null, null, null);
        assertPage(all, Set.of("articles_created_idx"), 0, true);
        assertPage(all, Set.of("articles_created_idx"), 5000, true);
        // one row
        assertNoLargeTableReadSequentially(explain(dataSource, ArticleRepository.countStatement(all).sql()));
    }

    @Test
    void byTag() throws Exception {
        ArticleFilter byTag = new ArticleFilter(tag, null, null, null);
        assertPage(byTag, "article_tags_tag_created_idx", 0);
        assertPage(byTag, "article_tags_tag_created_idx", 2000);
        assertCount(byTag, "tags_name_key");
    }

    @Test
    void byAuthor() throws Exception {
        ArticleFilter byAuthor = new ArticleFilter(null, author, null, null);
        assertPage(byAuthor, "articles_author_created_idx", 0);
        assertCount(byAuthor, "users_username_key");
    }

    @Test
    void favoritedBy() throws Exception {
        ArticleFilter favorited = new ArticleFilter(null, null, favoriter, null);
        assertPage(favorited, "favorites_user_created_idx", 0);
        assertCount(favorited, "users_username_key");
    }

    @Test
    void theFeed() throws Exception {
        ArticleFilter feed = ArticleFilter.feedOf(viewer);
        assertPage(feed, Set.of("articles_author_created_idx"), 0, true);
        assertCount(feed, "follows_pkey");
    }

    @Test
    void oneArticle() throws Exception {
        String slug = value(dataSource, "select slug from articles order by favorites_count desc limit 1");
        assertReadsIndex(explain(dataSource, ArticleRepository.BY_SLUG.sql(), viewer, slug), "articles_slug_key", false);
    }
}

package dev.ballast.article;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArticleFilterTest {

    @Test
    void noFilterHasNoWhereClause() {
        ArticleFilter all = new ArticleFilter(null, null, null, null);
        assertEquals("", all.where(2));
        assertEquals(List.of(), all.values());
        assertEquals("all", all.shape());
    }

    @Test
    void placeholdersAreNumberedInValueOrderFromTheGivenIndex() {
        ArticleFilter filter = new ArticleFilter("dragons", "jake", null, 7L);
        assertEquals(List.of("dragons", "jake", 7L), filter.values());
        String where = filter.where(2);
        assertEquals(true, where.contains("t.name = $2"), where);
        assertEquals(true, where.contains("username = $3"), where);
        assertEquals(true, where.contains("follower_id = $4"), where);
        assertEquals("tag+author+feed", filter.shape());
        assertEquals(true, filter.where(1).contains("t.name = $1"));
    }

    @Test
    void aSingleFilterReadsItsIdsFromItsOwnIndexAndItsCountFromACounter() {
        ArticleFilter byTag = new ArticleFilter("dragons", null, null, null);
        assertEquals(true, byTag.ids(2, "$3 + $4").startsWith("select at.article_id as id"), byTag.ids(2, "$3 + $4"));
        assertEquals(true, byTag.ids(2, "$3 + $4").contains("name = $2"), byTag.ids(2, "$3 + $4"));
        assertEquals(true, byTag.count(1).contains("articles_count from tags where name = $1"), byTag.count(1));
        assertEquals(true, ArticleFilter.feedOf(7L).count(1).contains("sum((select u.articles_count"));
        assertEquals(true, ArticleFilter.feedOf(7L).ids(2, "$3 + $4").contains("limit $3 + $4) a where fo.follower_id = $2"));
        assertEquals("select live_count from article_totals", new ArticleFilter(null, null, null, null).count(1));
    }

    @Test
    void combinedFiltersSelectFromArticlesAndCountMatchingRows() {
        ArticleFilter filter = new ArticleFilter("dragons", "jake", null, null);
        assertEquals(true, filter.ids(2, "$4 + $5").endsWith(filter.where(2)), filter.ids(2, "$4 + $5"));
        assertEquals("select count(*) from articles a" + filter.where(1), filter.count(1));
    }
}

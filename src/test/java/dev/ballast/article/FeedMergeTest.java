package dev.ballast.article;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.article.FeedMerge.Entry;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The merge of followed authors' timelines into a feed page: order, paging, and knowing when it cannot tell. */
class FeedMergeTest {

    /** A timeline of articles given as {id, createdAt} pairs, newest first, of an author with liveCount articles. */
    private static Timeline timeline(long liveCount, long[]... articles) {
        long[] ids = Arrays.stream(articles).mapToLong(article -> article[0]).toArray();
        long[] createdAt = Arrays.stream(articles).mapToLong(article -> article[1]).toArray();
        String[] slugs = Arrays.stream(ids).mapToObj(id -> "a" + id).toArray(String[]::new);
        return new Timeline(ids, createdAt, slugs, liveCount, liveCount <= ids.length);
    }

    private static long[] at(long id, long createdAt) {
        return new long[] {id, createdAt};
    }

    private static List<Long> ids(Optional<List<Entry>> page) {
        assertTrue(page.isPresent(), "the timelines tell this page");
        return page.get().stream().map(Entry::id).toList();
    }

    private static final Timeline ALICE = timeline(3, at(5, 500), at(3, 300), at(1, 100));
    private static final Timeline BOB = timeline(3, at(6, 600), at(4, 400), at(2, 200));
    private static final Timeline CAROL = timeline(1, at(7, 250));

    @Test
    void interleavedAuthorsComeNewestFirst() {
        assertEquals(List.of(6L, 5L, 4L, 3L, 7L, 2L, 1L), ids(FeedMerge.page(List.of(ALICE, BOB, CAROL), 0, 20)));
        assertEquals(7, FeedMerge.count(List.of(ALICE, BOB, CAROL)));
    }

    @Test
    void pagesContinueAcrossAuthors() {
        List<Timeline> followed = List.of(CAROL, BOB, ALICE);
        assertEquals(List.of(6L, 5L, 4L), ids(FeedMerge.page(followed, 0, 3)));
        assertEquals(List.of(3L, 7L, 2L), ids(FeedMerge.page(followed, 3, 3)));
        assertEquals(List.of(1L), ids(FeedMerge.page(followed, 6, 3)));
        assertEquals(List.of(), ids(FeedMerge.page(followed, 7, 3)));
        assertEquals(List.of(), ids(FeedMerge.page(followed, 100, 3)));
    }

    @Test
    void theSameInstantIsOrderedByIdNewestFirst() {
        Timeline first = timeline(2, at(10, 700), at(8, 500));
        Timeline second = timeline(2, at(11, 500), at(9, 500));
        assertEquals(List.of(10L, 11L, 9L, 8L), ids(FeedMerge.page(List.of(first, second), 0, 10)));
    }

    @Test
    void aTimelineThatRunsOutWithMoreArticlesLeavesTheRestUnknown() {
        // Dave has 10 articles; his timeline holds his newest 2.
        Timeline dave = timeline(10, at(20, 1000), at(19, 50));
        List<Timeline> followed = List.of(ALICE, dave);
        assertEquals(List.of(20L, 5L, 3L, 1L), ids(FeedMerge.page(followed, 0, 4)), "his last known article is still older");
        assertEquals(List.of(20L, 5L, 3L, 1L, 19L), ids(FeedMerge.page(followed, 0, 5)), "filled by his last known article");
        assertEquals(Optional.empty(), FeedMerge.page(followed, 0, 6), "the next one could be his eighth newest");
        assertEquals(Optional.empty(), FeedMerge.page(followed, 5, 1));
        assertEquals(13, FeedMerge.count(followed));
    }

    @Test
    void anAuthorWithArticlesButNoneKnownLeavesEveryPositionUnknown() {
        Timeline unknown = new Timeline(new long[0], new long[0], new String[0], 4, false);
        assertEquals(Optional.empty(), FeedMerge.page(List.of(ALICE, unknown), 0, 1));
    }

    @Test
    void followingNobodyOrAuthorsWithoutArticlesIsAnEmptyFeed() {
        assertEquals(List.of(), ids(FeedMerge.page(List.of(), 0, 20)));
        assertEquals(List.of(), ids(FeedMerge.page(List.of(Timeline.EMPTY, Timeline.EMPTY), 0, 20)));
        assertEquals(0, FeedMerge.count(List.of(Timeline.EMPTY)));
    }
}

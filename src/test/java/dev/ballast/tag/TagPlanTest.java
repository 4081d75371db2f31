package dev.ballast.tag;

import static dev.ballast.SizedData.assertReadsIndex;
import static dev.ballast.SizedData.explain;

import dev.ballast.SizedData;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The most used tags are the first entries of their index, with the default bound, on a data set of realistic size
 * (1,000 tags used by 20,000 articles): an index scan with a limit, not a sort of every tag. New tags are counted by
 * probes of the tags' names.
 */
@QuarkusTest
class TagPlanTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theMostUsedTags() throws Exception {
        SizedData.ensure(dataSource);
        assertReadsIndex(explain(dataSource, TagRepository.POPULAR.sql(), 100), "tags_popular_idx", false);
    }

    @Test
    void theNewAmongSomeNames() throws Exception {
        SizedData.ensure(dataSource);
        assertReadsIndex(explain(dataSource, TagRepository.NEW_AMONG.sql(), "{gen_t1,gen_t2,no-such-tag}"), "tags_name_key", false);
    }
}

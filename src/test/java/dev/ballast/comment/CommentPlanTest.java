package dev.ballast.comment;

import static dev.ballast.SizedData.assertReadsIndex;
import static dev.ballast.SizedData.explain;
import static dev.ballast.SizedData.value;

import dev.ballast.SizedData;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The comments of the most commented article are read from their index, on a data set of realistic size. */
@QuarkusTest
class CommentPlanTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theCommentsOfAnArticle() throws Exception {
        SizedData.ensure(dataSource);
        String slug = value(dataSource, "select a.slug from articles a where a.id ="
                + " (select article_id from comments group by article_id order by count(*) desc limit 1)");
        assertReadsIndex(explain(dataSource, CommentRepository.BY_ARTICLE.sql(), slug, 500, 200_000),
                "comments_article_created_idx", false);
    }
}

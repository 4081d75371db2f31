package dev.ballast.article;

import dev.ballast.cache.ShowsArticles;
import java.util.List;

/** A page of articles; {@code articlesCount} is the total that match, not the page size. */
public record ArticlesResponse(List<Article> articles, long articlesCount) implements ShowsArticles {

    @Override
    public boolean showsArticle(long articleId) {
        return articles.stream().anyMatch(article -> article.id() == articleId);
    }
}

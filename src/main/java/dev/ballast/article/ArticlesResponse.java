package dev.ballast.article;

import dev.ballast.cache.ShowsArticles;
import dev.ballast.cache.ShowsUsers;
import java.util.List;

/** A page of articles; {@code articlesCount} is the total that match, not the page size. */
public record ArticlesResponse(List<Article> articles, long articlesCount) implements ShowsArticles, ShowsUsers {

    @Override
    public boolean showsArticle(long articleId) {
        return articles.stream().anyMatch(article -> article.id() == articleId);
    }

    @Override
    public boolean showsUser(long userId) {
        return articles.stream().anyMatch(article -> article.showsUser(userId));
    }
}

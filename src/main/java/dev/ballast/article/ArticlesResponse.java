package dev.ballast.article;

import dev.ballast.cache.HeapBytes;
import dev.ballast.cache.ShowsArticles;
import dev.ballast.cache.ShowsUsers;
import java.util.List;

/**
 * A page of articles; {@code articlesCount} is the total that match, not the page size. Cached as an anonymous
 * reader sees it ({@link SharedArticle#unflagged()}), so that such a reader is answered with the cached page itself.
 */
public record ArticlesResponse(List<Article> articles, long articlesCount) implements ShowsArticles, ShowsUsers, HeapBytes.Weighed {

    @Override
    public boolean showsArticle(long articleId) {
        return articles.stream().anyMatch(article -> article.shared().id() == articleId);
    }

    @Override
    public boolean showsUser(long userId) {
        return articles.stream().anyMatch(article -> article.shared().showsUser(userId));
    }

    @Override
    public long heapBytes() {
        return HeapBytes.OBJECT + HeapBytes.of(articles) + articles.stream().mapToLong(article -> article.shared().heapBytes()).sum();
    }
}

package dev.ballast.article;

import dev.ballast.cache.HeapBytes;
import dev.ballast.cache.ShowsArticles;
import dev.ballast.cache.ShowsUsers;
import java.util.List;

/** A page of articles; {@code articlesCount} is the total that match, not the page size. */
public record ArticlesResponse(List<Article> articles, long articlesCount) implements ShowsArticles, ShowsUsers, HeapBytes.Weighed {

    @Override
    public boolean showsArticle(long articleId) {
        return articles.stream().anyMatch(article -> article.id() == articleId);
    }

    @Override
    public boolean showsUser(long userId) {
        return articles.stream().anyMatch(article -> article.showsUser(userId));
    }

    /** This page as a cache keeps it for every reader: each article's JSON written now. */
    ArticlesResponse shared() {
        return new ArticlesResponse(articles.stream().map(Article::shared).toList(), articlesCount);
    }

    @Override
    public long heapBytes() {
        return HeapBytes.OBJECT + HeapBytes.of(articles);
    }
}

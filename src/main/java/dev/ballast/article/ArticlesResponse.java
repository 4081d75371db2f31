package dev.ballast.article;

import java.util.List;

/** A page of articles; {@code articlesCount} is the total that match, not the page size. */
public record ArticlesResponse(List<Article> articles, long articlesCount) {
}

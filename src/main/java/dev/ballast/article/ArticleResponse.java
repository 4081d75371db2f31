package dev.ballast.article;

public record ArticleResponse(Article article) {
}

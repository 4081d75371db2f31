package dev.ballast.cache;

/** A cached view that can tell whether it shows an article, so that a change to one article empties only such views. */
public interface ShowsArticles {

    boolean showsArticle(long articleId);
}

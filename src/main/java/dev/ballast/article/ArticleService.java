package dev.ballast.article;

import dev.ballast.archive.ArchiveRepository;
import dev.ballast.article.ArticleRequests.NewArticle;
import dev.ballast.article.ArticleRequests.UpdateArticle;
import dev.ballast.cache.ReadCaches;
import dev.ballast.db.Database;
import dev.ballast.http.ApiException;
import dev.ballast.http.Limits;
import dev.ballast.http.Page;
import dev.ballast.viewer.ViewerFlags;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reading and writing articles. Reads are the views every reader shares (cached in {@link ArticleRepository})
 * with the signed-in viewer's own flags added ({@link ViewerFlags}). Each write decides, in this order: bring
 * the article back from the archive, check the caller may write, write, empty the caches it changed, answer.
 */
@ApplicationScoped
class ArticleService {

    /** Attempts at a free slug: the plain one, then with random suffixes. */
    private static final int SLUG_ATTEMPTS = 6;

    private final ArticleRepository articles;
    private final ArchiveRepository archive;
    private final ViewerFlags viewerFlags;
    private final ReadCaches caches;
    private final Limits limits;

    ArticleService(ArticleRepository articles, ArchiveRepository archive, ViewerFlags viewerFlags, ReadCaches caches, Limits limits) {
        this.articles = articles;
        this.archive = archive;
        this.viewerFlags = viewerFlags;
        this.caches = caches;
        this.limits = limits;
    }

    /** One article seen by {@code viewerId} (null when anonymous); 404 when the slug is unknown. */
    Uni<Article> bySlug(String slug, Long viewerId) {
        return ReadCaches.ownCopy(articles.sharedBySlug(slug)).chain(article -> viewerId == null
                ? Uni.createFrom().item(article)
                : viewerFlags.among(viewerId, List.of(article.id()), List.of(article.author().id())).map(article::seenWith));
    }

    /** A page of the articles matching tag, author and favoritedBy (each may be null), seen by {@code viewerId}. */
    Uni<ArticlesResponse> list(String tag, String author, String favoritedBy, Page page, Long viewerId) {
        Uni<ArticlesResponse> shared = ReadCaches.ownCopy(articles.sharedList(tag, author, favoritedBy, page.limit(), page.offset()));
        return viewerId == null ? shared : shared.chain(list -> {
            Set<Long> articleIds = new HashSet<>();
            Set<Long> authorIds = new HashSet<>();
            list.articles().forEach(article -> {
                articleIds.add(article.id());
                authorIds.add(article.author().id());
            });
            return viewerFlags.among(viewerId, articleIds, authorIds).map(flags -> new ArticlesResponse(
                    list.articles().stream().map(article -> article.seenWith(flags)).toList(), list.articlesCount()));
        });
    }

    /** A page of the articles of the authors {@code viewerId} follows, with the viewer's flags. */
    Uni<ArticlesResponse> feed(long viewerId, Page page) {
        return articles.feed(viewerId, page);
    }

    Uni<Article> create(long authorId, NewArticle article) {
        article.validate(limits);
        String base = Slugs.base(article.title());
        return withFreeSlug(base, 0, slug -> articles.insert(slug, authorId, article).map(id -> id == null ? null : slug))
                .call(slug -> caches.articleChanged(slug))
                .chain(slug -> bySlug(slug, authorId));
    }

    // Every write to an article first brings it back from the archive if it is there (V13): the write then
    // acts on it as on any live article, and the restore counts as activity.

    /** Changes the given fields of the caller's own article; a new title gives a new slug. */
    Uni<Article> update(String slug, long userId, UpdateArticle change) {
        change.validate(limits);
        return archive.restore(slug).chain(() -> owned(slug, userId)).<String>chain(articleId -> {
            if (change.title() == null) {
                return articles.update(articleId, null, null, change.description(), change.body()).map(ArticleService::found);
            }
            String title = change.title().trim();
            return withFreeSlug(Slugs.base(title), 0, candidate ->
                    articles.update(articleId, candidate, title, change.description(), change.body()).map(ArticleService::found)
                            .onFailure(failure -> Database.isUniqueViolation(failure, "articles_slug_key")).recoverWithNull());
        }).call(newSlug -> caches.articleChanged(slug, newSlug)).chain(newSlug -> bySlug(newSlug, userId));
    }

    /** Deletes the caller's own article (its tags links, favorites and comments go with it). */
    Uni<Void> delete(String slug, long userId) {
        return archive.restore(slug).chain(() -> owned(slug, userId))
                .chain(articles::delete)
                .chain(() -> caches.articleChanged(slug));
    }

    /** Favorites an article (again: no change); 404 when the slug is unknown. */
    Uni<Article> favorite(String slug, long userId) {
        return changeFavorite(articles::favorite, slug, userId);
    }

    Uni<Article> unfavorite(String slug, long userId) {
        return changeFavorite(articles::unfavorite, slug, userId);
    }

    private Uni<Article> changeFavorite(ArticleFavorites change, String slug, long userId) {
        return archive.restore(slug).chain(() -> change.apply(slug, userId))
                .call(changed -> changed
                        .map(row -> caches.favoritesChanged(slug, row.getLong("article_id"), userId, row.getString("username")))
                        .orElseGet(() -> Uni.createFrom().voidItem()))
                .chain(() -> bySlug(slug, userId));
    }

    private interface ArticleFavorites {
        Uni<Optional<Row>> apply(String slug, long userId);
    }

    /** The id of the article when the user wrote it; 404 when unknown, 403 when someone else's. */
    private Uni<Long> owned(String slug, long userId) {
        return articles.owner(slug).map(owner -> {
            Row row = owner.orElseThrow(() -> ApiException.notFound("article"));
            if (row.getLong("author_id") != userId) {
                throw ApiException.forbidden("only the author may change this article");
            }
            return row.getLong("id");
        });
    }

    /** Runs {@code attempt} with slug candidates until one is free (the attempt answers null when it is taken). */
    private static Uni<String> withFreeSlug(String base, int attemptNumber, Function<String, Uni<String>> attempt) {
        if (attemptNumber == SLUG_ATTEMPTS) {
            return Uni.createFrom().failure(ApiException.unprocessable("could not find a free slug for this title"));
        }
        return attempt.apply(Slugs.candidate(base, attemptNumber)).chain(slug -> slug != null
                ? Uni.createFrom().item(slug)
                : withFreeSlug(base, attemptNumber + 1, attempt));
    }

    /** The slug the update returned; 404 if the article was deleted in the meantime. */
    private static String found(String slug) {
        if (slug == null) {
            throw ApiException.notFound("article");
        }
        return slug;
    }
}

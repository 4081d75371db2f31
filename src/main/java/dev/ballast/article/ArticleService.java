package dev.ballast.article;

import dev.ballast.archive.ArchivedArticles;
import dev.ballast.article.ArticleRepository.Outcome;
import dev.ballast.article.ArticleRepository.WriteResult;
import dev.ballast.article.ArticleRequests.NewArticle;
import dev.ballast.article.ArticleRequests.UpdateArticle;
import dev.ballast.db.Database;
import dev.ballast.facts.Fact;
import dev.ballast.facts.Facts;
import dev.ballast.failures.Invalid;
import dev.ballast.failures.NotFound;
import dev.ballast.failures.NotTheAuthor;
import dev.ballast.http.Limits;
import dev.ballast.http.Page;
import dev.ballast.tag.NewTags;
import dev.ballast.viewer.ViewerFlags;
import dev.ballast.viewer.ViewerFlags.ShownIds;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Reading and writing articles. Reads are the views every reader shares (cached in {@link ArticleRepository})
 * with the signed-in viewer's own flags added ({@link ViewerFlags}). Each write is one statement on the live
 * article ({@link ArticleRepository}) that checks the caller may write, writes, and returns the answer and what it
 * changed; here the service hands what it changed to {@link Facts} and turns the outcome into the answer or error.
 */
@ApplicationScoped
class ArticleService {

    /** Attempts at a free slug: the plain one, then with random suffixes. */
    private static final int SLUG_ATTEMPTS = 6;

    private final ArticleRepository articles;
    private final Feed feed;
    private final ViewerFlags viewerFlags;
    private final Facts facts;
    private final Limits limits;
    private final NewTags newTags;
    private final ArchivedArticles archive;

    ArticleService(ArticleRepository articles, Feed feed, ViewerFlags viewerFlags, Facts facts, Limits limits, NewTags newTags,
                   ArchivedArticles archive) {
        this.articles = articles;
        this.feed = feed;
        this.viewerFlags = viewerFlags;
        this.facts = facts;
        this.limits = limits;
        this.newTags = newTags;
        this.archive = archive;
    }

    /** One article seen by {@code viewerId} (null when anonymous); {@link NotFound} when the slug is unknown. */
    Uni<Article> bySlug(String slug, Long viewerId) {
        return articles.sharedBySlug(slug).map(SharedArticle::unflagged).chain(article -> viewerId == null
                ? Uni.createFrom().item(article)
                : viewerFlags.flagsFor(viewerId, () -> shownBy(List.of(article))).map(article::seenBy));
    }

    /** A page of the articles matching tag, author and favoritedBy (each may be null), seen by {@code viewerId}. */
    Uni<ArticlesResponse> list(String tag, String author, String favoritedBy, Page page, Long viewerId) {
        Uni<ArticlesResponse> shared = articles.sharedList(tag, author, favoritedBy, page.limit(), page.offset());
        return viewerId == null ? shared : shared.chain(list -> viewerFlags.flagsFor(viewerId, () -> shownBy(list.articles()))
                .map(flags -> new ArticlesResponse(list.articles().stream().map(article -> article.seenBy(flags)).toList(), list.articlesCount())));
    }

    private static ShownIds shownBy(List<Article> articles) {
        Set<Long> articleIds = new HashSet<>();
        Set<Long> authorIds = new HashSet<>();
        articles.forEach(article -> {
            articleIds.add(article.shared().id());
            authorIds.add(article.shared().authorId());
        });
        return new ShownIds(articleIds, authorIds);
    }

    /** A page of the articles of the authors {@code viewerId} follows, with the viewer's flags. */
    Uni<ArticlesResponse> feed(long viewerId, Page page) {
        return feed.page(viewerId, page);
    }

    /**
     * Creates the caller's article under the first free slug its title gives, once its new tags fit the caller's
     * budget ({@link NewTags}: 429 when they do not, nothing written).
     */
    Uni<Article> create(long authorId, NewArticle article) {
        article.validate(limits);
        Set<String> tags = article.tags();
        return newTags.take(authorId, tags).chain(taken -> withFreeSlug(Slugs.base(article.title()), 0, slug ->
                articles.create(slug, authorId, article)
                        .invoke(created -> created.ifPresent(written -> facts.committed(written.facts())))
                        .map(created -> created.map(WriteResult::article).orElse(null))
        ).onFailure().invoke(() -> newTags.giveBack(authorId, taken)));
    }

    // A write that finds no live article looks for it in the archive. An archived article comes back when the
    // write is allowed and changes it (a restore counts as activity), and the write runs once more; otherwise it
    // answers as for a live article, and the article stays archived.

    /** Changes the given fields of the caller's own article; a new title gives a new slug. */
    Uni<Article> update(String slug, long userId, UpdateArticle change) {
        change.validate(limits);
        if (change.title() == null) {
            return updated(slug, change.description(), change.body(), userId, null, null);
        }
        String title = change.title().trim();
        return withFreeSlug(Slugs.base(title), 0, candidate -> updated(slug, change.description(), change.body(), userId, candidate, title)
                .onFailure(failure -> Database.isUniqueViolation(failure, "articles_slug_key")).recoverWithNull());
    }

    /** The article updated, or a unique violation when the new slug is taken. */
    private Uni<Article> updated(String slug, String description, String body, long userId, String newSlug, String title) {
        Supplier<Uni<WriteResult>> update = () -> articles.update(slug, userId, newSlug, title, description, body);
        return onLiveArticle(update, () -> restoredForItsAuthor(slug, userId, update));
    }

    /** Deletes the caller's own article (its tags links, favorites and comments go with it). */
    Uni<Void> delete(String slug, long userId) {
        Supplier<Uni<WriteResult>> delete = () -> articles.delete(slug, userId);
        return onLiveArticle(delete, () -> restoredForItsAuthor(slug, userId, delete)).replaceWithVoid();
    }

    /** The archived article brought back for its author's {@code write}; {@link NotTheAuthor} for anyone else's. */
    private Uni<Article> restoredForItsAuthor(String slug, long userId, Supplier<Uni<WriteResult>> write) {
        return articles.sharedBySlug(slug).chain(article -> article.authorId() == userId ? restoredFor(slug, write)
                : Uni.createFrom().failure(notTheAuthor()));
    }

    /** Favorites an article (again: no change); {@link NotFound} when the slug is unknown. */
    Uni<Article> favorite(String slug, long userId) {
        return changeFavorite(() -> articles.favorite(slug, userId), true, slug, userId);
    }

    Uni<Article> unfavorite(String slug, long userId) {
        return changeFavorite(() -> articles.unfavorite(slug, userId), false, slug, userId);
    }

    /**
     * The caller's favorite made {@code favorited}; an archived article comes back only when that changes it, and
     * otherwise answers as it is.
     */
    private Uni<Article> changeFavorite(Supplier<Uni<WriteResult>> change, boolean favorited, String slug, long userId) {
        Supplier<Uni<WriteResult>> write = () -> change.get()
                // The article was deleted while the favorite waited for it: it is gone, as for any unknown slug.
                .onFailure(failure -> Database.isForeignKeyViolation(failure, "favorites_article_id_fkey"))
                .transform(failure -> new NotFound("article"));
        return onLiveArticle(write, () -> bySlug(slug, userId).chain(archived -> archived.favorited() == favorited
                ? Uni.createFrom().item(archived) : restoredFor(slug, write)));
    }

    /** {@code write} on the live article; {@code otherwise} when it found none (unknown or archived). */
    private Uni<Article> onLiveArticle(Supplier<Uni<WriteResult>> write, Supplier<Uni<Article>> otherwise) {
        return write.get().chain(written -> written.outcome() == Outcome.NOT_LIVE ? otherwise.get() : answer(written, List.of()));
    }

    /** The archived article brought back (or by another statement meanwhile: live either way), then the write once more. */
    private Uni<Article> restoredFor(String slug, Supplier<Uni<WriteResult>> write) {
        return archive.restore(slug).chain(restored -> write.get()
                .onFailure().invoke(() -> facts.committed(restored)) // back even when the write then fails (its new slug taken)
                .chain(written -> answer(written, restored)));
    }

    /** Hands what the write changed (after a restore, with it) to {@link Facts}; its answer or error. */
    private Uni<Article> answer(WriteResult written, List<Fact> restored) {
        facts.committed(Stream.concat(restored.stream(), written.facts().stream()).toList());
        return switch (written.outcome()) {
            case DONE -> Uni.createFrom().item(written.article());
            case FORBIDDEN -> Uni.createFrom().failure(notTheAuthor());
            case NOT_LIVE -> Uni.createFrom().failure(new NotFound("article"));
        };
    }

    private static NotTheAuthor notTheAuthor() {
        return new NotTheAuthor("change this article");
    }

    /** Runs {@code attempt} with slug candidates until one is free (the attempt answers null when it is taken). */
    private static <T> Uni<T> withFreeSlug(String base, int attemptNumber, Function<String, Uni<T>> attempt) {
        if (attemptNumber == SLUG_ATTEMPTS) {
            return Uni.createFrom().failure(new Invalid("could not find a free slug for this title"));
        }
        return attempt.apply(Slugs.candidate(base, attemptNumber)).chain(written -> written != null
                ? Uni.createFrom().item(written)
                : withFreeSlug(base, attemptNumber + 1, attempt));
    }
}

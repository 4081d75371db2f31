package dev.ballast.article;

import dev.ballast.article.FeedMerge.Entry;
import dev.ballast.http.Page;
import dev.ballast.viewer.ViewerFlags;
import dev.ballast.viewer.ViewerFlags.Flags;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A reader's feed page from shared parts: the authors they follow (their cached flags), those authors'
 * {@link Timelines} merged ({@link FeedMerge}), and the page's {@link ListViews}, with the reader's flags
 * applied. Everything but the follows is shared by every reader, so a warm page costs no statement and the
 * database's work grows with the authors followed, not with the readers. A reader with too many follows or
 * favorites to cache, or a page deeper than the timelines reach, is read by the feed statement as before.
 */
@ApplicationScoped
class Feed {

    private final ArticleRepository articles;
    private final Timelines timelines;
    private final ListViews listViews;
    private final ViewerFlags viewerFlags;

    Feed(ArticleRepository articles, Timelines timelines, ListViews listViews, ViewerFlags viewerFlags) {
        this.articles = articles;
        this.timelines = timelines;
        this.listViews = listViews;
        this.viewerFlags = viewerFlags;
    }

    /** A page of the articles of the authors {@code viewerId} follows, newest first, with the viewer's flags. */
    Uni<ArticlesResponse> page(long viewerId, Page page) {
        return viewerFlags.cached(viewerId)
                .chain(flags -> flags.isPresent() ? fromTimelines(flags.get(), page) : Uni.createFrom().item(Optional.<ArticlesResponse>empty()))
                .chain(shared -> shared.isPresent() ? Uni.createFrom().item(shared.get()) : articles.feed(viewerId, page));
    }

    /** The page from the shared parts, or empty when they cannot tell it (the feed statement then does). */
    private Uni<Optional<ArticlesResponse>> fromTimelines(Flags flags, Page page) {
        return timelines.of(flags.followedUsers()).chain(followed -> {
            Optional<List<Entry>> entries = FeedMerge.page(followed, page.offset(), page.limit());
            if (entries.isEmpty()) {
                return Uni.createFrom().item(Optional.<ArticlesResponse>empty());
            }
            long count = FeedMerge.count(followed);
            return listViews.of(entries.get().stream().map(Entry::slug).toList())
                    .map(views -> {
                        List<Article> shown = new ArrayList<>(entries.get().size());
                        for (Entry entry : entries.get()) {
                            SharedArticle view = views.get(entry.slug());
                            if (view == null || view.id() != entry.id()) {
                                return Optional.<ArticlesResponse>empty(); // changed since its timeline was read: ask the database
                            }
                            shown.add(view.unflagged().seenBy(flags));
                        }
                        return Optional.of(new ArticlesResponse(shown, count));
                    });
        });
    }
}

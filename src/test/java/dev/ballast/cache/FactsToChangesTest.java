package dev.ballast.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.facts.Fact.ArticleCreated;
import dev.ballast.facts.Fact.ArticleRestored;
import dev.ballast.facts.Fact.FavoriteChanged;
import dev.ballast.facts.Fact.ProfileChanged;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the facts of one write empty: no more than they changed, and together everything that any of them changed. */
class FactsToChangesTest {

    @Test
    void aFavoriteEmptiesItsArticleTheListsShowingItAndTheFavoritersOwnEntries() {
        CacheChanges changes = ReadCaches.changesOf(List.of(new FavoriteChanged(42, "how-to", 7, "jake")));
        assertEquals(Set.of(), changes.whole(), "no whole cache");
        assertEquals(Map.of(ReadCaches.ARTICLE, Set.of("how-to"), ReadCaches.LIST_VIEWS, Set.of("how-to"),
                ReadCaches.VIEWER_FLAGS, Set.of(7L)), changes.keys());
        assertEquals(Map.of(ReadCaches.ARTICLE_LISTS, Set.of(42L)), changes.showing());
        assertEquals(Map.of(ReadCaches.ARTICLE_LISTS, Set.of("jake")), changes.naming());
    }

    @Test
    void aFavoriteThatBroughtItsArticleBackEmptiesEveryListTheTagsAndEveryTimeline() {
        CacheChanges changes = ReadCaches.changesOf(List.of(new ArticleRestored("how-to"), new FavoriteChanged(42, "how-to", 7, "jake")));
        assertEquals(Set.of(ReadCaches.ARTICLE_LISTS, ReadCaches.TAGS, ReadCaches.ARTICLE_TIMELINES), changes.whole());
        assertTrue(changes.showing().isEmpty() && changes.naming().isEmpty(), "within the lists emptied whole");
        assertEquals(Set.of(7L), changes.keys().get(ReadCaches.VIEWER_FLAGS), "and the favoriter's flags");
        assertEquals(Set.of("how-to"), changes.keys().get(ReadCaches.COMMENTS));
    }

    @Test
    void onlyANewArticleWithTagsEmptiesTheTags() {
        assertEquals(Set.of(ReadCaches.ARTICLE_LISTS), ReadCaches.changesOf(List.of(new ArticleCreated(3, "plain", false))).whole());
        assertEquals(Set.of(ReadCaches.ARTICLE_LISTS, ReadCaches.TAGS),
                ReadCaches.changesOf(List.of(new ArticleCreated(3, "tagged", true))).whole());
        assertEquals(Set.of(3L), ReadCaches.changesOf(List.of(new ArticleCreated(3, "plain", false))).keys()
                .get(ReadCaches.ARTICLE_TIMELINES), "its author's timeline only");
    }

    @Test
    void aNewNameEmptiesTheProfileAndTheListsKnownByEitherName() {
        CacheChanges renamed = ReadCaches.changesOf(List.of(new ProfileChanged(7, "jake", "jacob")));
        assertEquals(Set.of("jake", "jacob"), renamed.keys().get(ReadCaches.PROFILE));
        assertEquals(Set.of("jake", "jacob"), renamed.naming().get(ReadCaches.ARTICLE_LISTS));
        CacheChanges newBio = ReadCaches.changesOf(List.of(new ProfileChanged(7, "jake", "jake")));
        assertEquals(Set.of("jake"), newBio.keys().get(ReadCaches.PROFILE));
        assertTrue(newBio.naming().isEmpty(), "no list is known by a name that did not change");
    }
}

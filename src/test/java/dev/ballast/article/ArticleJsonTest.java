package dev.ballast.article;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.profile.ProfileRow;
import dev.ballast.viewer.ViewerFlags.Flags;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An article's JSON written from its shared start and the viewer's flags is the JSON RealWorld expects. */
class ArticleJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant CREATED = Instant.parse("2026-01-31T12:00:00.120Z");
    private static final Instant UPDATED = Instant.parse("2026-02-01T08:30:05Z");

    private static ArticleRow row(String body, boolean favorited, boolean following) {
        return new ArticleRow(7, "how-to \"quote\"", "Ünïcode </script> \\ title", "line\nbreak", body,
                List.of("dragons", "tag \"x\""), CREATED, UPDATED, favorited, 3,
                new ProfileRow(42, "jake", null, "https://example.com/j.png", following));
    }

    private static Article shared(String body) {
        return row(body, false, false).shared().unflagged();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parsed(Object value) throws Exception {
        return JSON.readValue(JSON.writeValueAsString(value), Map.class);
    }

    private static Map<String, Object> expected(boolean withBody, boolean favorited, boolean following) {
        Map<String, Object> author = new java.util.HashMap<>(Map.of("username", "jake", "image", "https://example.com/j.png", "following", following));
        author.put("bio", null);
        Map<String, Object> article = new java.util.HashMap<>(Map.of("slug", "how-to \"quote\"", "title", "Ünïcode </script> \\ title",
                "description", "line\nbreak", "tagList", List.of("dragons", "tag \"x\""), "createdAt", "2026-01-31T12:00:00.120Z",
                "updatedAt", "2026-02-01T08:30:05.000Z", "favorited", favorited, "favoritesCount", 3, "author", author));
        if (withBody) {
            article.put("body", "The body");
        }
        return article;
    }

    @Test
    void anArticleAsEveryReaderSeesIt() throws Exception {
        assertEquals(expected(true, false, false), parsed(shared("The body")));
    }

    @Test
    void aListViewHasNoBody() throws Exception {
        Map<String, Object> json = parsed(shared(null));
        assertFalse(json.containsKey("body"));
        assertEquals(expected(false, false, false), json);
    }

    @Test
    void eachViewerGetsTheirOwnFlagsOverTheSharedStart() throws Exception {
        Article shared = shared("The body");
        assertEquals(expected(true, false, false), parsed(shared)); // the shared start is encoded here
        Article favoritedAndFollowed = shared.seenBy(new Flags(new long[] {7}, new long[] {42}));
        Article followedOnly = shared.seenBy(new Flags(new long[] {8}, new long[] {42}));
        Article favoritedOnly = shared.seenBy(new Flags(new long[] {7}, new long[] {41}));

        assertSame(shared.shared(), favoritedAndFollowed.shared());
        assertEquals(expected(true, true, true), parsed(favoritedAndFollowed));
        assertEquals(expected(true, false, true), parsed(followedOnly));
        assertEquals(expected(true, true, false), parsed(favoritedOnly));
        assertEquals(expected(true, false, false), parsed(shared), "the shared view keeps no viewer's flags");
        assertSame(shared, shared.seenBy(new Flags(new long[] {8}, new long[] {41})), "flags that change nothing leave the view shared");
    }

    @Test
    void aWriteAnswersWithTheFlagsItsRowWasReadWith() throws Exception {
        assertEquals(expected(true, true, true), parsed(row("The body", true, true).view()));
        assertEquals(expected(true, true, false), parsed(row("The body", true, false).view()));
    }

    @Test
    void articlesInAPageAreSeparatedAndCounted() throws Exception {
        Article first = shared(null);
        Article second = first.seenBy(new Flags(new long[] {7}, new long[0]));
        Map<String, Object> page = parsed(new ArticlesResponse(List.of(first, second), 12));
        assertEquals(List.of(expected(false, false, false), expected(false, true, false)), page.get("articles"));
        assertEquals(12, page.get("articlesCount"));
    }
}

package dev.ballast.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.cache.CacheNoticeCodec.Notice;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The payload of a cache notice: read back as written, never past Postgres' limit, unknown ones refused. */
class CacheNoticeCodecTest {

    @Test
    void aNoticeReadsBackAsWritten() {
        CacheChanges changes = new CacheChanges().all("article-lists").key("article", "a-slug").key("article", "b \"slug\"")
                .key("per-reader", 42L);
        Notice decoded = CacheNoticeCodec.decode(CacheNoticeCodec.encode(new Notice("abc", 1234L, 40_893_416L, changes)));
        assertEquals("abc", decoded.from());
        assertEquals(1234L, decoded.sentAtMillis());
        assertEquals(40_893_416L, decoded.position());
        assertEquals(Set.of("article-lists"), decoded.changes().whole());
        assertEquals(Set.of("a-slug", "b \"slug\""), decoded.changes().keys().get("article"));
        assertEquals(Set.of(42L), decoded.changes().keys().get("per-reader"));
    }

    @Test
    void aNoticeWithoutAPositionReadsBackAsPositionUnknown() {
        String payload = CacheNoticeCodec.encode(new Notice("abc", 1L, 0, new CacheChanges().all("tags")));
        assertFalse(payload.contains("lsn"), payload);
        assertEquals(0L, CacheNoticeCodec.decode(payload).position());
    }

    @Test
    void aFavoriteTravelsAsTheListsShowingItsArticleAndNamingItsUser() {
        CacheChanges changes = new CacheChanges().key("article", "a-slug").showing("article-lists", 42L).naming("article-lists", "jake");
        Notice decoded = CacheNoticeCodec.decode(CacheNoticeCodec.encode(new Notice("abc", 1L, 0, changes)));
        assertEquals(Set.of(42L), decoded.changes().showing().get("article-lists"));
        assertEquals(Set.of("jake"), decoded.changes().naming().get("article-lists"));
        assertEquals(Set.of(), decoded.changes().whole());
    }

    @Test
    void aProfileChangeTravelsAsTheViewsShowingItsUser() {
        CacheChanges changes = new CacheChanges().key("profile", "jake").showingUser("article", 7L).showingUser("comments", 7L)
                .naming("article-lists", "jake");
        Notice decoded = CacheNoticeCodec.decode(CacheNoticeCodec.encode(new Notice("abc", 1L, 0, changes)));
        assertEquals(Set.of(7L), decoded.changes().showingUser().get("article"));
        assertEquals(Set.of(7L), decoded.changes().showingUser().get("comments"));
        assertEquals(Set.of("jake"), decoded.changes().keys().get("profile"));
        assertEquals(Set.of(), decoded.changes().whole());
    }

    @Test
    void aKeyThatCannotTravelAnnouncesItsWholeCache() {
        CacheChanges changes = new CacheChanges().key("article", "a-slug").key("odd", new Object());
        Notice decoded = CacheNoticeCodec.decode(CacheNoticeCodec.encode(new Notice("abc", 1L, 0, changes)));
        assertEquals(Set.of("odd"), decoded.changes().whole());
        assertEquals(Set.of("a-slug"), decoded.changes().keys().get("article"));
    }

    @Test
    void aNoticeTooLargeForPostgresAnnouncesWholeCaches() {
        CacheChanges changes = new CacheChanges().all("tags");
        for (int i = 0; i < 2_000; i++) {
            changes.key("article", "a-rather-long-slug-number-" + i);
        }
        String payload = CacheNoticeCodec.encode(new Notice("abc", 1L, 0, changes));
        assertTrue(payload.getBytes(StandardCharsets.UTF_8).length < 8000, payload.length() + " bytes");
        assertEquals(Set.of("tags", "article"), CacheNoticeCodec.decode(payload).changes().whole());
    }

    @Test
    void whatIsNotANoticeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CacheNoticeCodec.decode("hello"));
        assertThrows(IllegalArgumentException.class, () -> CacheNoticeCodec.decode("{\"v\":99,\"from\":\"x\"}"));
    }

    @Test
    void aNoticeWithFieldsOfAnotherTypeIsRefusedAsUnreadable() {
        // The JSON reader throws ClassCastException for these: the listener must see them as unreadable too.
        assertThrows(IllegalArgumentException.class, () -> CacheNoticeCodec.decode("{\"v\":\"1\",\"from\":\"x\"}"));
        assertThrows(IllegalArgumentException.class, () -> CacheNoticeCodec.decode("{\"v\":1,\"from\":\"x\",\"at\":\"soon\"}"));
        assertThrows(IllegalArgumentException.class, () -> CacheNoticeCodec.decode("{\"v\":1,\"from\":\"x\",\"all\":{}}"));
        assertThrows(IllegalArgumentException.class, () -> CacheNoticeCodec.decode("{\"v\":1,\"from\":\"x\",\"showing\":{\"a\":[\"x\"]}}"));
        assertThrows(IllegalArgumentException.class, () -> CacheNoticeCodec.decode("{\"v\":1,\"from\":\"x\",\"keys\":{\"a\":null}}"));
    }
}

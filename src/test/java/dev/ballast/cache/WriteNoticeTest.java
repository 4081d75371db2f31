package dev.ballast.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.ballast.cache.CacheNoticeCodec.Notice;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a write empties here is what its statement sent: one of the two payloads built for it, or the one it completed. */
class WriteNoticeTest {

    private final CacheChanges changes = new CacheChanges().key("comments", "a-slug");
    private final CacheChanges whenRestored = new CacheChanges().all("article-lists").key("comments", "a-slug");
    private final WriteNotice notice = new WriteNotice("channel", encode(changes), changes, encode(whenRestored), whenRestored);

    @Test
    void aPayloadBuiltForTheWriteGivesItsOwnChanges() {
        assertSame(changes, notice.changesOf(encode(changes)));
        assertSame(whenRestored, notice.changesOf(encode(whenRestored)));
    }

    @Test
    void aPayloadTheStatementCompletedIsReadBack() {
        CacheChanges completed = new CacheChanges().key("article", "a-slug").showing("article-lists", 42L);
        CacheChanges read = notice.changesOf(encode(completed));
        assertEquals(Set.of(42L), read.showing().get("article-lists"));
        assertEquals(Set.of("a-slug"), read.keys().get("article"));
    }

    private static String encode(CacheChanges changes) {
        return CacheNoticeCodec.encode(new Notice("replica", 1L, changes));
    }
}

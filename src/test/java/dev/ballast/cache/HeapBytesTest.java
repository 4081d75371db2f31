package dev.ballast.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The heap estimates behind the caches' budgets: strings by their characters, containers by their parts. */
class HeapBytesTest {

    @Test
    void aStringTakesOneByteACharacterInLatin1AndTwoOtherwise() {
        assertEquals(24 + 16 + 1000, HeapBytes.string("a".repeat(1000)));
        assertEquals(24 + 16 + 2000, HeapBytes.string("本".repeat(1000)));
        assertEquals(24 + 16 + 2000, HeapBytes.string("a".repeat(999) + "本"));
        assertEquals(0, HeapBytes.string(null));
    }

    @Test
    void containersCountTheirParts() {
        long one = HeapBytes.string("tag");
        assertEquals(HeapBytes.OBJECT + HeapBytes.array(2, HeapBytes.REFERENCE) + 2 * one, HeapBytes.of(List.of("tag", "tag")));
        assertEquals(HeapBytes.array(3, 8), HeapBytes.of(new long[3]));
        assertEquals(7, HeapBytes.of((HeapBytes.Weighed) () -> 7));
        assertTrue(HeapBytes.entry("key", "value") > HeapBytes.of("key") + HeapBytes.of("value"), "the cache's own node counts too");
    }
}

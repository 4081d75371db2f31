package dev.ballast.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ballast.failures.Invalid;
import java.util.List;
import org.junit.jupiter.api.Test;

class PageTest {

    @Test
    void defaultsToTwentyFromTheStart() {
        assertEquals(new Page(20, 0), Page.of(null, null, 100, 1000));
        assertEquals(new Page(5, 0), Page.of(null, null, 5, 1000));
    }

    @Test
    void acceptsValuesWithinBounds() {
        assertEquals(new Page(1, 0), Page.of("1", "0", 100, 1000));
        assertEquals(new Page(100, 1000), Page.of("100", "1000", 100, 1000));
    }

    @Test
    void rejectsEverythingElseAsInvalidListingEachProblem() {
        Invalid e = assertThrows(Invalid.class, () -> Page.of("0", "-1", 100, 1000));
        assertEquals(List.of("limit must be between 1 and 100", "offset must be between 0 and 1000"), e.messages());
        e = assertThrows(Invalid.class, () -> Page.of("ten", "1e3", 100, 1000));
        assertEquals(List.of("limit must be a whole number", "offset must be a whole number"), e.messages());
        assertThrows(Invalid.class, () -> Page.of("101", null, 100, 1000));
        assertThrows(Invalid.class, () -> Page.of(null, "1001", 100, 1000));
    }
}

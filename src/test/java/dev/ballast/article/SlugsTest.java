package dev.ballast.article;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SlugsTest {

    @Test
    void lowerCasesAndDashesWords() {
        assertEquals("how-to-train-your-dragon", Slugs.base("How to train your dragon"));
        assertEquals("c-and-c-a-b", Slugs.base("  C++ and C#:  a/b?! "));
    }

    @Test
    void transliteratesLatinLettersWithMarks() {
        assertEquals("unicode-strasse-oeuvre", Slugs.base("Ünïcödé Straße Œuvre"));
        assertEquals("creme-brulee", Slugs.base("Crème brûlée"));
    }

    @Test
    void titlesWithNothingAsciiStillGetASlug() {
        assertEquals("article", Slugs.base("中文标题"));
        assertEquals("article", Slugs.base("?!"));
        assertEquals("dragons", Slugs.base("🐉 dragons"));
    }

    @Test
    void longTitlesAreCutWithoutATrailingDash() {
        String base = Slugs.base("word ".repeat(40));
        assertTrue(base.length() <= Slugs.MAX_BASE_LENGTH, base);
        assertTrue(base.matches("[a-z0-9]+(-[a-z0-9]+)*"), base);
    }

    @Test
    void laterCandidatesAddARandomSuffix() {
        assertEquals("title", Slugs.candidate("title", 0));
        String first = Slugs.candidate("title", 1);
        assertTrue(first.matches("title-[a-z0-9]{6}"), first);
        assertNotEquals(first, Slugs.candidate("title", 2));
    }
}

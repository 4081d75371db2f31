package dev.ballast.article;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** URL-safe slugs (lower-case ASCII letters, digits and dashes) from any title, in any script. */
final class Slugs {

    static final int MAX_BASE_LENGTH = 80;
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NOT_SLUG = Pattern.compile("[^a-z0-9]+");
    /** Letters that Unicode decomposition does not turn into ASCII. */
    private static final Map<String, String> LETTERS = Map.of(
            "ß", "ss", "æ", "ae", "œ", "oe", "ø", "o", "ł", "l", "đ", "d", "þ", "th", "ı", "i");
    private static final char[] SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Slugs() {
    }

    /** The readable part of a slug; "article" when the title has nothing that maps to ASCII (say, all CJK). */
    static String base(String title) {
        String text = title.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> letter : LETTERS.entrySet()) {
            text = text.replace(letter.getKey(), letter.getValue());
        }
        text = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFKD)).replaceAll("");
        text = NOT_SLUG.matcher(text).replaceAll("-");
        text = trimDashes(text);
        if (text.length() > MAX_BASE_LENGTH) {
            text = trimDashes(text.substring(0, MAX_BASE_LENGTH));
        }
        return text.isEmpty() ? "article" : text;
    }

    /** The slug to try at the given attempt: the base first, then the base with a random suffix. */
    static String candidate(String base, int attempt) {
        if (attempt == 0) {
            return base;
        }
        StringBuilder slug = new StringBuilder(base).append('-');
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 6; i++) {
            slug.append(SUFFIX_ALPHABET[random.nextInt(SUFFIX_ALPHABET.length)]);
        }
        return slug.toString();
    }

    private static String trimDashes(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && text.charAt(start) == '-') {
            start++;
        }
        while (end > start && text.charAt(end - 1) == '-') {
            end--;
        }
        return text.substring(start, end);
    }
}

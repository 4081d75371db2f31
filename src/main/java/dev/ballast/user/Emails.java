package dev.ballast.user;

import java.text.Normalizer;

/**
 * The one spelling of an email that decides which account it names, used alike by the failed-login budget, the
 * lookups and the unique index ({@code lower(email collate "C")}, V19). An email is stored in Unicode NFC, so that
 * a letter typed precomposed or as a letter and its accent is one email; the key then folds ASCII letters to lower
 * case and nothing else, which the C collation's {@code lower()} does byte for byte. A fuller folding (of
 * {@code İ}, {@code ß}) differs between Java and the database's locale, and two foldings give one account two
 * failure budgets.
 */
final class Emails {

    private Emails() {
    }

    /** The email as stored: trimmed, in NFC. */
    static String stored(String email) {
        return Normalizer.normalize(email.trim(), Normalizer.Form.NFC);
    }

    /** The account's key: the stored form with ASCII letters in lower case. */
    static String key(String email) {
        String stored = stored(email);
        StringBuilder key = new StringBuilder(stored.length());
        for (int i = 0; i < stored.length(); i++) {
            char c = stored.charAt(i);
            key.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return key.toString();
    }
}

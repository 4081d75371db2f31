package dev.ballast.cache;

/**
 * A cache key made of several parts, some of which name a user (a list of an author's articles, of a user's
 * favorites): when that user is renamed or favorites something, the entries whose key names them are emptied
 * ({@link CacheChanges#naming}).
 */
public interface NamedKey {

    /** Whether one of the key's parts is {@code value}. */
    boolean names(String value);
}

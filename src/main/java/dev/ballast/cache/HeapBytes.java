package dev.ballast.cache;

import java.util.Collection;
import java.util.Map;

/**
 * Estimates of the heap a cached entry holds, for the caches' byte budgets ({@link ViewCache}): a 64-bit JVM with
 * compressed references (12-byte object headers, 8-byte alignment), strings of one byte a character when every
 * character is Latin-1 and two otherwise. A view adds its own parts ({@link Weighed}); a value of another kind
 * counts as a small object. Estimates, not measurements: docs/memory.md compares them with a heap measured
 * under load.
 */
public final class HeapBytes {

    /** An object's header and a few fields. */
    public static final long OBJECT = 32;
    /** A reference to another object. */
    public static final long REFERENCE = 4;
    /** What the cache itself keeps per entry (its node, the future holding the value). */
    static final long ENTRY = 96;

    private HeapBytes() {
    }

    /** A view that can tell the heap it holds. */
    public interface Weighed {
        long heapBytes();
    }

    static long entry(Object key, Object value) {
        return ENTRY + of(key) + of(value);
    }

    /** The heap held by a key or value: strings, numbers, arrays, collections and {@link Weighed} views. */
    public static long of(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof Weighed weighed) {
            return weighed.heapBytes();
        }
        if (value instanceof String string) {
            return string(string);
        }
        if (value instanceof long[] longs) {
            return array(longs.length, 8);
        }
        if (value instanceof byte[] bytes) {
            return array(bytes.length, 1);
        }
        if (value instanceof Object[] objects) {
            long total = array(objects.length, REFERENCE);
            for (Object item : objects) {
                total += of(item);
            }
            return total;
        }
        if (value instanceof Collection<?> items) {
            long total = OBJECT + array(items.size(), REFERENCE);
            for (Object item : items) {
                total += of(item);
            }
            return total;
        }
        if (value instanceof Map<?, ?> map) {
            long total = OBJECT + array(map.size() * 2, REFERENCE);
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                total += OBJECT + of(entry.getKey()) + of(entry.getValue());
            }
            return total;
        }
        return OBJECT;
    }

    /** A string: its object, and its array of one byte a character (Latin-1) or two. */
    public static long string(String string) {
        if (string == null) {
            return 0;
        }
        int bytesPerChar = 1;
        for (int i = 0; i < string.length(); i++) {
            if (string.charAt(i) > 0xFF) {
                bytesPerChar = 2;
                break;
            }
        }
        return 24 + array(string.length(), bytesPerChar);
    }

    /** An array of {@code length} elements of {@code elementBytes} each. */
    public static long array(long length, long elementBytes) {
        return align(16 + length * elementBytes);
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }
}

package dev.ballast.article;

import dev.ballast.cache.HeapBytes;

/**
 * One author's newest live articles, newest first ({@code created_at} desc, id desc), as every reader shares
 * them: their ids, their {@code created_at} in microseconds since the epoch, and their slugs; and how many live
 * articles the author has in all. {@code complete} when these are all of them: when not, an article older than
 * the last one here exists and is not known.
 */
record Timeline(long[] ids, long[] createdAtMicros, String[] slugs, long liveCount, boolean complete) implements HeapBytes.Weighed {

    static final Timeline EMPTY = new Timeline(new long[0], new long[0], new String[0], 0, true);

    int size() {
        return ids.length;
    }

    @Override
    public long heapBytes() {
        return HeapBytes.OBJECT + HeapBytes.of(ids) + HeapBytes.of(createdAtMicros) + HeapBytes.of(slugs);
    }
}

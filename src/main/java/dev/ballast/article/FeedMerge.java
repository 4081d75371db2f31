package dev.ballast.article;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * A feed page from the timelines of the authors a reader follows: a k-way merge, newest first
 * ({@code created_at} desc, id desc, as the feed statement orders), down to offset + limit entries. Exact as
 * long as no timeline that is not {@link Timeline#complete() complete} runs out before the page is filled: past
 * that point an article of its author that the timeline does not hold could come next. Then there is no page
 * here and the caller asks the database.
 */
final class FeedMerge {

    /** One article of a page: where it comes from in its author's timeline. */
    record Entry(long id, long createdAtMicros, String slug) {
    }

    private FeedMerge() {
    }

    /** How many articles the feed has in all: the authors' live counts summed. */
    static long count(List<Timeline> timelines) {
        return timelines.stream().mapToLong(Timeline::liveCount).sum();
    }

    /** The page's entries in feed order, or empty when the timelines do not reach deep enough to know them. */
    static Optional<List<Entry>> page(List<Timeline> timelines, int offset, int limit) {
        long depth = (long) offset + limit;
        PriorityQueue<Cursor> heads = new PriorityQueue<>(Math.max(1, timelines.size()));
        for (Timeline timeline : timelines) {
            if (timeline.size() > 0) {
                heads.add(new Cursor(timeline));
            } else if (!timeline.complete()) {
                return Optional.empty();
            }
        }
        List<Entry> page = new ArrayList<>(Math.min(limit, 256));
        for (long taken = 0; taken < depth && !heads.isEmpty(); taken++) {
            Cursor head = heads.poll();
            if (taken >= offset) {
                page.add(head.entry());
            }
            if (head.advance()) {
                heads.add(head);
            } else if (!head.timeline.complete() && taken + 1 < depth) {
                return Optional.empty();
            }
        }
        return Optional.of(page);
    }

    /** The next entry of one timeline; orders the newest first. */
    private static final class Cursor implements Comparable<Cursor> {

        private final Timeline timeline;
        private int position;

        Cursor(Timeline timeline) {
            this.timeline = timeline;
        }

        Entry entry() {
            return new Entry(timeline.ids()[position], timeline.createdAtMicros()[position], timeline.slugs()[position]);
        }

        /** Moves to the next entry: false when there is none. */
        boolean advance() {
            return ++position < timeline.size();
        }

        @Override
        public int compareTo(Cursor other) {
            int byTime = Long.compare(other.timeline.createdAtMicros()[other.position], timeline.createdAtMicros()[position]);
            return byTime != 0 ? byTime : Long.compare(other.timeline.ids()[other.position], timeline.ids()[position]);
        }
    }
}

package dev.ballast.article;

import io.smallrye.config.ConfigMapping;

/** How the feed is built from the followed authors' timelines; see {@code ballast.feed.*} in application.properties. */
@ConfigMapping(prefix = "ballast.feed")
public interface FeedSettings {

    /**
     * Newest live articles kept per author in a cached timeline ({@link Timelines}); a page reaching deeper is read
     * by one statement.
     */
    int timelineDepth();
}

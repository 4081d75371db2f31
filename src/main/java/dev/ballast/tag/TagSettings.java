package dev.ballast.tag;

import io.smallrye.config.ConfigMapping;

/** The bounds on tags; see {@code ballast.tags.*} in application.properties. */
@ConfigMapping(prefix = "ballast.tags")
public interface TagSettings {

    /** Tags listed by {@code GET /api/tags} at most: the most used ones ({@link TagRepository}). */
    int popularMax();

    /** Tags that did not exist before an account may create in an hour ({@link NewTags}); past it, 429. */
    int newPerHour();
}

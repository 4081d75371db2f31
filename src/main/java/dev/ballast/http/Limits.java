package dev.ballast.http;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;

/** Bounds on the work and data one request may ask for; see {@code ballast.limits.*} in application.properties. */
@ConfigMapping(prefix = "ballast.limits")
public interface Limits {

    MemorySize bodySizeMax();

    int pageSizeMax();

    int offsetMax();

    int usernameMax();

    int emailMax();

    int passwordMin();

    int bioMax();

    int imageMax();

    int titleMax();

    int descriptionMax();

    int bodyMax();

    int tagMax();

    int tagsPerArticleMax();

    int commentMax();

    int commentsPerPage();

    /** Characters of the comments listed for one article, in all: the newest that fit (at least one). */
    int commentsPageChars();
}

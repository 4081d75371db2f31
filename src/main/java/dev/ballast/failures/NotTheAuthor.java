package dev.ballast.failures;

import java.util.List;

/** Someone else's article or comment: only its author may change it. */
public final class NotTheAuthor extends DomainFailure {

    /** {@code action}: what was refused, "change this article". */
    public NotTheAuthor(String action) {
        super(List.of("only the author may " + action));
    }
}

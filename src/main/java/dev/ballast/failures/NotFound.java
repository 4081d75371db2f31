package dev.ballast.failures;

import java.util.List;

/** What the request names does not exist: "article not found". */
public final class NotFound extends DomainFailure {

    public NotFound(String what) {
        super(List.of(what + " not found"));
    }
}

package dev.ballast.failures;

import java.util.List;

/** A request that cannot be carried out as it stands, with every problem found in it. */
public final class Invalid extends DomainFailure {

    public Invalid(List<String> problems) {
        super(problems);
    }

    public Invalid(String problem) {
        this(List.of(problem));
    }
}

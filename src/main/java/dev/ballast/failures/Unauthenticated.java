package dev.ballast.failures;

import java.util.List;

/** The caller is not known: no token where one is needed, a bad one, or a failed login. */
public final class Unauthenticated extends DomainFailure {

    public Unauthenticated(String reason) {
        super(List.of(reason));
    }
}

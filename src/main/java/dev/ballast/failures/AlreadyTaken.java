package dev.ballast.failures;

import java.util.List;

/** Values that must be unique and belong to someone else already: "username has already been taken". */
public final class AlreadyTaken extends DomainFailure {

    public AlreadyTaken(List<String> fields) {
        super(fields.stream().map(field -> field + " has already been taken").toList());
    }

    public AlreadyTaken(String field) {
        this(List.of(field));
    }
}

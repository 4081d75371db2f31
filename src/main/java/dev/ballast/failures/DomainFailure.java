package dev.ballast.failures;

import java.util.List;

/**
 * A request the service refuses for a reason of its own domain, told in sentences a client can show. Each kind says
 * what went wrong, not how HTTP answers it: {@code http/ExceptionMappers} gives each its status. Thrown where the
 * refusal is known (a repository, a service, the caller's token), by any package, none of which need know HTTP.
 */
public abstract sealed class DomainFailure extends RuntimeException
        permits NotFound, AlreadyTaken, Invalid, NotTheAuthor, Unauthenticated {

    private final List<String> messages;

    DomainFailure(List<String> messages) {
        // No stack trace: a refusal is an answer, not a bug, and some are thrown for every bad request.
        super(String.join("; ", messages), null, false, false);
        this.messages = List.copyOf(messages);
    }

    public List<String> messages() {
        return messages;
    }
}

package dev.ballast.http;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The RealWorld error shape: {@code {"errors":{"body":["..."]}}}. Registered for reflection because it is
 * written by exception mappers and a Vert.x route, which the native build does not see as endpoint types.
 */
@RegisterForReflection
public record ErrorBody(Errors errors) {

    @RegisterForReflection
    public record Errors(List<String> body) {
    }

    public static ErrorBody of(List<String> messages) {
        return new ErrorBody(new Errors(List.copyOf(messages)));
    }

    public static ErrorBody of(String message) {
        return of(List.of(message));
    }
}

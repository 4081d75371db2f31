package dev.ballast.http;

import java.util.List;

/** The RealWorld error shape: {@code {"errors":{"body":["..."]}}}. */
public record ErrorBody(Errors errors) {

    public record Errors(List<String> body) {
    }

    public static ErrorBody of(List<String> messages) {
        return new ErrorBody(new Errors(List.copyOf(messages)));
    }

    public static ErrorBody of(String message) {
        return of(List.of(message));
    }
}

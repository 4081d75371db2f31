package dev.ballast.http;

import dev.ballast.failures.Invalid;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Collects every problem with a request body so the client sees them all at once, then fails ({@link Invalid}, a 422).
 * Limits are given by the caller (they come from configuration).
 */
public final class Validation {

    private final List<String> problems = new ArrayList<>();

    /** The content of a request envelope ({@code {"user":{...}}}); 422 when the body or the envelope is missing. */
    public static <E, T> T requireBody(E envelope, Function<E, T> content, String name) {
        T body = envelope == null ? null : content.apply(envelope);
        if (body == null) {
            throw new Invalid(name + " is required");
        }
        return body;
    }

    /** A field that must be present and not blank. */
    public Validation required(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            problems.add(field + " can't be blank");
        } else {
            maxLength(field, value, maxLength);
        }
        return this;
    }

    /** A field that may be absent (not changed) but, when given, must not be blank. */
    public Validation notBlankIfPresent(String field, String value, int maxLength) {
        return value == null ? this : required(field, value, maxLength);
    }

    public Validation maxLength(String field, String value, int maxLength) {
        if (value != null && value.length() > maxLength) {
            problems.add(field + " is too long (maximum is " + maxLength + " characters)");
        }
        return this;
    }

    public Validation maxBytes(String field, String value, int maxBytes) {
        if (value != null && value.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            problems.add(field + " is too long (maximum is " + maxBytes + " bytes)");
        }
        return this;
    }

    public Validation minLength(String field, String value, int minLength) {
        if (value != null && !value.isBlank() && value.length() < minLength) {
            problems.add(field + " is too short (minimum is " + minLength + " characters)");
        }
        return this;
    }

    public Validation matches(String field, String value, Pattern pattern, String expectation) {
        if (value != null && !value.isBlank() && !pattern.matcher(value).matches()) {
            problems.add(field + " " + expectation);
        }
        return this;
    }

    public Validation check(boolean valid, String problem) {
        if (!valid) {
            problems.add(problem);
        }
        return this;
    }

    /** Fails listing every problem found, if any. */
    public void orFail() {
        if (!problems.isEmpty()) {
            throw new Invalid(problems);
        }
    }
}

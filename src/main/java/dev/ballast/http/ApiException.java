package dev.ballast.http;

import java.util.List;

/** A failure the client caused or must know about, answered with its status in the RealWorld error shape. */
public class ApiException extends RuntimeException {

    private final int status;
    private final List<String> messages;

    public ApiException(int status, List<String> messages) {
        super(String.join("; ", messages), null, false, false);
        this.status = status;
        this.messages = List.copyOf(messages);
    }

    public int status() {
        return status;
    }

    public List<String> messages() {
        return messages;
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, List.of(message));
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, List.of(message));
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, List.of(what + " not found"));
    }

    public static ApiException unprocessable(String message) {
        return new ApiException(422, List.of(message));
    }

    public static ApiException unprocessable(List<String> messages) {
        return new ApiException(422, messages);
    }
}

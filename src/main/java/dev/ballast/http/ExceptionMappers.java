package dev.ballast.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.ballast.db.DatabaseFailures;
import dev.ballast.failures.DomainFailure;
import dev.ballast.failures.NotFound;
import dev.ballast.failures.NotTheAuthor;
import dev.ballast.failures.Unauthenticated;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into the RealWorld error shape with the right status; only a real bug is a 500. */
public class ExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ExceptionMappers.class);

    private final String retryAfterSeconds;
    private final Counter databaseRejections;

    ExceptionMappers(MeterRegistry registry, RetryAfterSettings retryAfter) {
        this.retryAfterSeconds = Long.toString(Math.max(1, retryAfter.duration().toSeconds()));
        this.databaseRejections = registry.counter("ballast.rejections", "reason", "database");
    }

    /** The scheme RealWorld clients send: {@code Authorization: Token <jwt>}. */
    static final String TOKEN_CHALLENGE = "Token";

    static Response error(int status, String message) {
        return error(status, List.of(message));
    }

    private static Response error(int status, List<String> messages) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(ErrorBody.of(messages)).build();
    }

    /** A refusal of the domain ({@code dev.ballast.failures}), with its status. */
    @ServerExceptionMapper
    public Response refused(DomainFailure e) {
        int status = statusOf(e);
        return status == 401 ? unauthenticated(e.messages()) : error(status, e.messages());
    }

    private static int statusOf(DomainFailure failure) {
        if (failure instanceof NotFound) {
            return 404;
        }
        if (failure instanceof NotTheAuthor) {
            return 403;
        }
        if (failure instanceof Unauthenticated) {
            return 401;
        }
        return 422; // AlreadyTaken, Invalid
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return unauthenticated(List.of("token is invalid or expired"));
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return unauthenticated(List.of("authentication required"));
    }

    private static Response unauthenticated(List<String> messages) {
        return Response.fromResponse(error(401, messages)).header(HttpHeaders.WWW_AUTHENTICATE, TOKEN_CHALLENGE).build();
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonParseException e) {
        return error(400, "request body is not valid JSON");
    }

    @ServerExceptionMapper
    public Response wrongShape(MismatchedInputException e) {
        return error(422, describePath(e) + " has the wrong type or shape");
    }

    @ServerExceptionMapper
    public Response unreadable(JsonMappingException e) {
        return error(422, describePath(e) + " could not be read");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonParseException parse) {
            return malformedJson(parse);
        }
        int status = e.getResponse().getStatus();
        String message = switch (status) {
            case 400 -> "bad request";
            case 404 -> "resource not found";
            case 405 -> "method not allowed";
            case 406 -> "only application/json responses are available";
            case 413 -> "request body is too large";
            case 415 -> "content type must be application/json";
            default -> e.getResponse().getStatusInfo().getReasonPhrase();
        };
        if (status >= 500) {
            LOG.error("Request failed", e);
        }
        return error(status, message);
    }

    /** A bulkhead (database reads or writes, password hashing) is full: retry shortly. */
    @ServerExceptionMapper
    public Response busy(BulkheadException e) {
        return unavailable("server is busy, retry shortly");
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (DatabaseFailures.isUnavailable(e)) {
            databaseRejections.increment();
            return unavailable("database is busy or unavailable, retry shortly");
        }
        if (DatabaseFailures.isUnstorableValue(e)) {
            return error(422, "request contains a value that cannot be stored (such as a NUL character)");
        }
        LOG.error("Unexpected failure", e);
        return error(500, "internal server error");
    }

    private Response unavailable(String message) {
        return Response.fromResponse(error(503, message)).header("Retry-After", retryAfterSeconds).build();
    }

    private static String describePath(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        return path.isEmpty() ? "request body" : path;
    }
}

package dev.ballast.http;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * Completes the OpenAPI document ({@code /q/openapi}, Swagger UI at {@code /q/swagger-ui}) with what every operation
 * shares, so that resources only annotate what is theirs (a 201, a 403, who may call them):
 * <ul>
 *   <li>the {@code Token} security scheme ({@code Authorization: Token <jwt>});</li>
 *   <li>the RealWorld error body, {@code GenericErrorModel}, on every error answer;</li>
 *   <li>the error answers the service gives by construction: 401 where a token is read, 404 where a path names
 *       something, 400, 413, 415 and 422 where a JSON body is read, 422 where a page is asked for, and 429 (rate
 *       limit) and 503 (database unavailable or busy, with {@code Retry-After}) everywhere.</li>
 * </ul>
 * {@code OpenApiTest} holds the result to the RealWorld spec and to the statuses the service really answers.
 */
public class ApiDocumentation implements OASFilter {

    public static final String TOKEN = "Token";
    private static final String ERROR_SCHEMA = "GenericErrorModel";
    private static final Map<String, String> ERRORS = Map.of(
            "400", "Malformed JSON",
            "401", "Missing, malformed, tampered or expired token",
            "403", "Not the author: only they may change it",
            "404", "Not found",
            "413", "Body larger than MAX_BODY_SIZE",
            "415", "Body not JSON",
            "422", "Invalid or missing fields (every problem listed)",
            "429", "Rate limit of this client reached (see Retry-After and RateLimit-* headers)",
            "503", "Database unavailable or busy: retry after Retry-After");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents()
                .addSecurityScheme(TOKEN, OASFactory.createSecurityScheme()
                        .type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name("Authorization")
                        .description("Token <jwt>: the token of a registration or login (Bearer <jwt> works too)"))
                .addSchema(ERROR_SCHEMA, OASFactory.createSchema()
                        .addType(Schema.SchemaType.OBJECT).required(List.of("errors"))
                        .addProperty("errors", OASFactory.createSchema()
                                .addType(Schema.SchemaType.OBJECT).required(List.of("body"))
                                .addProperty("body", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                                        .items(OASFactory.createSchema().addType(Schema.SchemaType.STRING))))
                        .examples(List.of(Map.of("errors", Map.of("body", List.of("title can't be blank"))))));
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith("/api/")) {
                item.getOperations().values().forEach(this::addErrors);
            }
        });
    }

    private void addErrors(Operation operation) {
        List<Parameter> parameters = operation.getParameters() == null ? List.of() : operation.getParameters();
        if (operation.getSecurity() != null && !operation.getSecurity().isEmpty()) {
            error(operation, "401");
        }
        if (parameters.stream().anyMatch(parameter -> parameter.getIn() == Parameter.In.PATH)) {
            error(operation, "404");
        }
        if (operation.getRequestBody() != null) {
            List.of("400", "413", "415", "422").forEach(status -> error(operation, status));
        }
        if (parameters.stream().anyMatch(parameter -> "limit".equals(parameter.getName()))) {
            error(operation, "422");
        }
        error(operation, "429");
        error(operation, "503");
        // Answers a resource declared itself (a 403, a 422) get the error body too.
        operation.getResponses().getAPIResponses().forEach((status, response) -> {
            if (status.startsWith("4") || status.startsWith("5")) {
                describe(status, response);
            }
        });
    }

    private static void error(Operation operation, String status) {
        if (!operation.getResponses().hasAPIResponse(status)) {
            operation.getResponses().addAPIResponse(status, OASFactory.createAPIResponse());
        }
    }

    private static void describe(String status, APIResponse response) {
        if (response.getDescription() == null || response.getDescription().isBlank()) {
            response.setDescription(ERRORS.getOrDefault(status, "Error"));
        }
        Content content = OASFactory.createContent().addMediaType("application/json", OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref(ERROR_SCHEMA)));
        response.setContent(content);
    }
}

package dev.ballast.http;

import static dev.ballast.Api.PASSWORD;
import static dev.ballast.Api.createArticle;
import static dev.ballast.Api.register;
import static dev.ballast.Api.uniqueName;
import static dev.ballast.Management.operator;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.Api.Account;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document ({@code /q/openapi}) is held to the RealWorld contract, as this project states it in
 * {@link #CONTRACT}, and to the service itself: the same operations; for each, the success status the service
 * really answers (every operation is called below) and the one the contract names; the error answers it gives, in
 * the RealWorld error shape; the token scheme wherever a token is read. The contract is checked against the public
 * spec itself by {@code .ci/openapi-check}, where that spec is at hand.
 */
@QuarkusTest
class OpenApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    private enum Token { REQUIRED, OPTIONAL, NONE }

    private record Operation(String success, Token token) {}

    /** Every operation of the RealWorld API: its success status, and whether it needs a token or reads one if sent. */
    private static final Map<String, Operation> CONTRACT = Map.ofEntries(
            Map.entry("POST /api/users/login", new Operation("200", Token.NONE)),
            Map.entry("POST /api/users", new Operation("201", Token.NONE)),
            Map.entry("GET /api/user", new Operation("200", Token.REQUIRED)),
            Map.entry("PUT /api/user", new Operation("200", Token.REQUIRED)),
            Map.entry("GET /api/profiles/{username}", new Operation("200", Token.OPTIONAL)),
            Map.entry("POST /api/profiles/{username}/follow", new Operation("200", Token.REQUIRED)),
            Map.entry("DELETE /api/profiles/{username}/follow", new Operation("200", Token.REQUIRED)),
            Map.entry("GET /api/articles/feed", new Operation("200", Token.REQUIRED)),
            Map.entry("GET /api/articles", new Operation("200", Token.OPTIONAL)),
            Map.entry("POST /api/articles", new Operation("201", Token.REQUIRED)),
            Map.entry("GET /api/articles/{slug}", new Operation("200", Token.OPTIONAL)),
            Map.entry("PUT /api/articles/{slug}", new Operation("200", Token.REQUIRED)),
            Map.entry("DELETE /api/articles/{slug}", new Operation("204", Token.REQUIRED)),
            Map.entry("GET /api/articles/{slug}/comments", new Operation("200", Token.OPTIONAL)),
            Map.entry("POST /api/articles/{slug}/comments", new Operation("200", Token.REQUIRED)),
            Map.entry("DELETE /api/articles/{slug}/comments/{id}", new Operation("204", Token.REQUIRED)),
            Map.entry("POST /api/articles/{slug}/favorite", new Operation("200", Token.REQUIRED)),
            Map.entry("DELETE /api/articles/{slug}/favorite", new Operation("200", Token.REQUIRED)),
            Map.entry("GET /api/tags", new Operation("200", Token.NONE)));

    private static JsonNode served;

    @BeforeEach
    void read() throws IOException {
        if (served != null) {
            return;
        }
        served = JSON.readTree(given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .extract().asString());
    }

    /** "POST /api/articles" to its operation, for every operation of the served document under /api. */
    private static Map<String, JsonNode> operations(JsonNode document) {
        Map<String, JsonNode> operations = new TreeMap<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
            if (METHODS.contains(method.getKey()) && path.getKey().startsWith("/api/")) {
                operations.put(method.getKey().toUpperCase() + " " + path.getKey(), method.getValue());
            }
        }));
        return operations;
    }

    private static Set<String> statuses(JsonNode operation) {
        Set<String> statuses = new TreeSet<>();
        operation.path("responses").fieldNames().forEachRemaining(statuses::add);
        return statuses;
    }

    private static String success(JsonNode operation) {
        List<String> successes = statuses(operation).stream().filter(status -> status.startsWith("2")).toList();
        assertEquals(1, successes.size(), "one success status: " + operation);
        return successes.get(0);
    }

    private static boolean readsToken(JsonNode operation) {
        for (JsonNode requirement : operation.path("security")) {
            if (requirement.has("Token")) {
                return true;
            }
        }
        return false;
    }

    /** The description is for the API's users: on the API port, not on the management interface's. */
    @Test
    void isServedOnTheApiPort() {
        given().get("/q/swagger-ui/").then().statusCode(200);
        operator().get("/q/openapi").then().statusCode(404);
        operator().get("/q/swagger-ui/").then().statusCode(404);
    }

    @Test
    void documentsEveryOperationOfTheRealWorldApiAndNoOther() {
        assertEquals(new TreeSet<>(CONTRACT.keySet()), operations(served).keySet());
    }

    @Test
    void documentsTheSuccessStatusTheServiceAnswersAndTheContractNames() {
        Map<String, Integer> answered = callEveryOperation();
        operations(served).forEach((operation, documented) -> {
            assertEquals(String.valueOf(answered.get(operation)), success(documented), operation + " answers");
            assertEquals(CONTRACT.get(operation).success(), success(documented), operation + " in the contract");
            if (!success(documented).equals("204")) {
                assertTrue(documented.at("/responses/" + success(documented) + "/content/application~1json/schema").has("$ref"),
                        operation + " documents the body of its answer");
            }
        });
    }

    @Test
    void everyErrorAnswerHasTheRealWorldErrorShape() {
        JsonNode error = served.path("components").path("schemas").path("GenericErrorModel");
        assertEquals("array", error.at("/properties/errors/properties/body/type").asText(), error.toString());
        operations(served).forEach((operation, documented) -> {
            Set<String> statuses = statuses(documented);
            assertTrue(statuses.containsAll(List.of("429", "503")), operation + " documents " + statuses);
            for (String status : statuses) {
                if (status.startsWith("4") || status.startsWith("5")) {
                    assertEquals("#/components/schemas/GenericErrorModel",
                            documented.at("/responses/" + status + "/content/application~1json/schema/$ref").asText(),
                            operation + " " + status);
                }
            }
        });
    }

    @Test
    void everyOperationThatNeedsATokenCarriesTheTokenScheme() {
        JsonNode scheme = served.path("components").path("securitySchemes").path("Token");
        assertEquals("apiKey", scheme.path("type").asText());
        assertEquals("header", scheme.path("in").asText());
        assertEquals("Authorization", scheme.path("name").asText());
        // Those that read a token when one is sent (following, favorited) say it is optional.
        operations(served).forEach((operation, documented) -> assertEquals(switch (CONTRACT.get(operation).token()) {
            case REQUIRED -> "[{\"Token\":[]}]";
            case OPTIONAL -> "[{},{\"Token\":[]}]";
            case NONE -> "";
        }, documented.path("security").toString(), operation));
    }

    /** Errors provoked on every operation: each answer is one the document lists for it. */
    @Test
    void theErrorsEachOperationGivesAreDocumented() {
        Account author = register("errors");
        String slug = createArticle(author, "Errors", List.of());
        List<String> undocumented = new ArrayList<>();
        operations(served).forEach((operation, documented) -> {
            String method = operation.substring(0, operation.indexOf(' '));
            String template = operation.substring(operation.indexOf(' ') + 1);
            String real = template.replace("{slug}", slug).replace("{username}", author.username()).replace("{id}", "1");
            String unknown = template.replace("{slug}", "no-such-article").replace("{username}", uniqueName("nobody"))
                    .replace("{id}", "999999999");
            List<Integer> answers = new ArrayList<>();
            if (readsToken(documented)) {
                answers.add(given().header("Authorization", "Token not.a.jwt").contentType(ContentType.JSON)
                        .body("{}").request(method, real).statusCode());
            }
            if (!template.equals(unknown)) {
                answers.add(author.as().body(body(operation)).request(method, unknown).statusCode());
            }
            if (documented.has("requestBody")) {
                answers.add(author.as().contentType(ContentType.TEXT).body("plain").request(method, real).statusCode());
                answers.add(author.as().body("{\"broken\":").request(method, real).statusCode());
                answers.add(author.as().body("{}").request(method, real).statusCode());
            }
            answers.forEach(answer -> documented(operation, answer, undocumented));
            assertFalse(answers.stream().anyMatch(answer -> answer >= 500), operation + " answered " + answers);
        });
        // The errors particular to one operation.
        documented("POST /api/users/login", given().contentType(ContentType.JSON).body(Map.of("user",
                Map.of("email", author.email(), "password", "not the password"))).post("/api/users/login").statusCode(),
                undocumented);
        documented("POST /api/profiles/{username}/follow",
                author.as().post("/api/profiles/" + author.username() + "/follow").statusCode(), undocumented);
        Account stranger = register("stranger");
        documented("PUT /api/articles/{slug}", stranger.as().body(body("PUT /api/articles/{slug}"))
                .put("/api/articles/" + slug).statusCode(), undocumented);
        documented("DELETE /api/articles/{slug}", stranger.as().delete("/api/articles/" + slug).statusCode(), undocumented);
        assertEquals(List.of(), undocumented);
    }

    private static void documented(String operation, int answer, List<String> undocumented) {
        Set<String> statuses = statuses(operations(served).get(operation));
        if (answer >= 400 && !statuses.contains(String.valueOf(answer))) {
            undocumented.add(operation + " answered " + answer + ", documents " + statuses);
        }
    }

    @Test
    void swaggerUiIsServed() {
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    /** Calls every operation once, as a client would, and returns the status each answered. */
    private static Map<String, Integer> callEveryOperation() {
        Map<String, Integer> answered = new TreeMap<>();
        Map<String, Object> user = newUser();
        String token = call(answered, "POST /api/users", given().contentType(ContentType.JSON).body(user), "/api/users")
                .then().extract().path("user.token");
        @SuppressWarnings("unchecked")
        Map<String, String> fields = (Map<String, String>) user.get("user");
        call(answered, "POST /api/users/login", given().contentType(ContentType.JSON).body(
                Map.of("user", Map.of("email", fields.get("email"), "password", PASSWORD))), "/api/users/login");
        Account me = new Account(fields.get("username"), fields.get("email"), token);
        Account other = register("other");

        call(answered, "GET /api/user", me.as(), "/api/user");
        call(answered, "PUT /api/user", me.as().body(Map.of("user", Map.of("bio", "Hello"))), "/api/user");
        String profile = "/api/profiles/" + other.username();
        call(answered, "GET /api/profiles/{username}", me.as(), profile);
        call(answered, "POST /api/profiles/{username}/follow", me.as(), profile + "/follow");
        call(answered, "DELETE /api/profiles/{username}/follow", me.as(), profile + "/follow");

        String slug = call(answered, "POST /api/articles", me.as().body(body("POST /api/articles")), "/api/articles")
                .then().extract().path("article.slug");
        String article = "/api/articles/" + slug;
        call(answered, "GET /api/articles", me.as(), "/api/articles");
        call(answered, "GET /api/articles/feed", me.as(), "/api/articles/feed");
        call(answered, "GET /api/articles/{slug}", me.as(), article);
        call(answered, "PUT /api/articles/{slug}", me.as().body(Map.of("article", Map.of("body", "Changed"))), article);
        call(answered, "POST /api/articles/{slug}/favorite", me.as(), article + "/favorite");
        call(answered, "DELETE /api/articles/{slug}/favorite", me.as(), article + "/favorite");
        int comment = call(answered, "POST /api/articles/{slug}/comments",
                other.as().body(body("POST /api/articles/{slug}/comments")), article + "/comments")
                .then().extract().path("comment.id");
        call(answered, "GET /api/articles/{slug}/comments", me.as(), article + "/comments");
        call(answered, "DELETE /api/articles/{slug}/comments/{id}", other.as(), article + "/comments/" + comment);
        call(answered, "GET /api/tags", given(), "/api/tags");
        call(answered, "DELETE /api/articles/{slug}", me.as(), article);
        return answered;
    }

    private static Response call(Map<String, Integer> answered, String operation,
                                                         RequestSpecification request, String path) {
        Response response = request.request(operation.substring(0, operation.indexOf(' ')), path);
        answered.put(operation, response.statusCode());
        assertTrue(response.statusCode() < 300, operation + " answered " + response.statusCode() + ": " + response.asString());
        return response;
    }

    private static Map<String, Object> newUser() {
        String username = uniqueName("doc");
        return Map.of("user", Map.of("username", username, "email", username + "@example.com", "password", PASSWORD));
    }

    /** A valid body for the operations that take one (others ignore it). */
    private static Map<String, Object> body(String operation) {
        return switch (operation) {
            case "POST /api/articles", "PUT /api/articles/{slug}" -> Map.of("article",
                    Map.of("title", "Documented", "description", "d", "body", "b", "tagList", List.of("docs")));
            case "POST /api/articles/{slug}/comments" -> Map.of("comment", Map.of("body", "Well documented"));
            case "PUT /api/user" -> Map.of("user", Map.of("bio", "b"));
            default -> Map.of();
        };
    }
}

package dev.ballast.http;

import static dev.ballast.Api.register;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import dev.ballast.Api.Account;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** Whatever a client sends, the answer is a 4xx in the RealWorld error shape, never a 5xx. */
@QuarkusTest
class BadInputTest {

    @Test
    void malformedJsonIs400() {
        given().contentType(ContentType.JSON).body("{\"user\":").post("/api/users")
                .then().statusCode(400).body("errors.body", contains("request body is not valid JSON"));
        given().contentType(ContentType.JSON).body("not json at all").post("/api/users/login")
                .then().statusCode(400).body("errors.body", contains("request body is not valid JSON"));
    }

    @Test
    void wrongContentTypeIs415() {
        given().contentType(ContentType.TEXT).body("user=jake").post("/api/users")
                .then().statusCode(415).body("errors.body", contains("content type must be application/json"));
    }

    @Test
    void wronglyTypedFieldsAre422() {
        given().contentType(ContentType.JSON).body("{\"user\":{\"email\":{\"nested\":true},\"password\":\"x\"}}")
                .post("/api/users/login")
                .then().statusCode(422).body("errors.body", contains("user.email has the wrong type or shape"));
        given().contentType(ContentType.JSON).body("{\"user\":\"jake\"}").post("/api/users")
                .then().statusCode(422).body("errors.body", contains("user has the wrong type or shape"));
        given().contentType(ContentType.JSON).body("[1,2,3]").post("/api/users")
                .then().statusCode(422).body("errors.body", contains("request body has the wrong type or shape"));
    }

    @Test
    void emptyBodiesAndNullEnvelopesAre422() {
        Account account = register("empty");
        given().contentType(ContentType.JSON).post("/api/users")
                .then().statusCode(422).body("errors.body", contains("user is required"));
        given().contentType(ContentType.JSON).body("{\"user\":null}").post("/api/users/login")
                .then().statusCode(422).body("errors.body", contains("user is required"));
        account.as().body("{\"article\":null}").post("/api/articles")
                .then().statusCode(422).body("errors.body", contains("article is required"));
        account.as().body("null").put("/api/user")
                .then().statusCode(422).body("errors.body", contains("user is required"));
    }

    @Test
    void unknownRoutesAndMethodsGetTheErrorShape() {
        given().get("/api/no-such-endpoint").then().statusCode(404).body("errors.body", contains("resource not found"));
        given().delete("/api/tags").then().statusCode(405).body("errors.body", contains("method not allowed"));
    }

    @Test
    void oversizeBodiesAre413() {
        Account account = register("big");
        account.as().body("{\"user\":{\"bio\":\"" + "x".repeat(1_100_000) + "\"}}").put("/api/user")
                .then().statusCode(413).body("errors.body", contains("request body is too large (maximum is 1048576 bytes)"));
        account.as().body("{\"user\":{\"bio\":\"" + "x".repeat(2001) + "\"}}").put("/api/user")
                .then().statusCode(422).body("errors.body", contains("bio is too long (maximum is 2000 characters)"));
    }

    @Test
    void browsersFromAnotherOriginMayCallTheApi() {
        given().header("Origin", "https://conduit.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options("/api/articles")
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", "https://conduit.example.com")
                .header("Access-Control-Allow-Methods", org.hamcrest.Matchers.containsString("POST"));
    }

    @Test
    void unknownFieldsAreIgnored() {
        Account account = register("extra");
        account.as().body("{\"user\":{\"bio\":\"hi\",\"favouriteColour\":\"blue\"}}").put("/api/user")
                .then().statusCode(200).body("user.bio", equalTo("hi"));
    }
}

package dev.ballast.auth;

import static dev.ballast.Api.register;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ballast.Api.Account;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import java.time.Instant;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/**
 * A token is verified once and then answered from what that verification gave, until it expires; a token that
 * fails verification is refused every time. (That a password change still ends a token already verified is
 * {@code UserResourceTest.aPasswordChangeEndsEveryEarlierTokenOnEveryEndpoint}: the generation is checked per
 * request, after this.)
 */
@QuarkusTest
class VerifiedTokensTest {

    @Inject
    JWTParser parser;

    @Test
    void aTokenIsVerifiedOnceThenKeptUntilItExpires() throws Exception {
        String token = Jwt.issuer("ballast").subject("1").expiresAt(Instant.now().plusSeconds(2)).sign();

        JsonWebToken first = parser.parse(token);
        assertSame(first, parser.parse(token), "the second parse verified the token again");
        assertEquals("1", first.getSubject());

        Thread.sleep(Math.max(0, first.getExpirationTime() * 1000 - System.currentTimeMillis()) + 200);
        // Past its expiry the token is verified again (which still accepts it within the configured clock skew).
        assertNotSame(first, parser.parse(token), "an expired token was answered from what was kept");
    }

    @Test
    void aTokenThatFailsVerificationIsRefusedEveryTime() {
        String token = Jwt.issuer("ballast").subject("1").sign();
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        String expired = Jwt.issuer("ballast").subject("1").issuedAt(Instant.now().minusSeconds(120))
                .expiresAt(Instant.now().minusSeconds(60)).sign();

        for (String refused : new String[] {tampered, expired, tampered, expired}) {
            assertThrows(ParseException.class, () -> parser.parse(refused));
            given().header("Authorization", "Token " + refused).get("/api/user")
                    .then().statusCode(401).body("errors.body", contains("token is invalid or expired"));
        }
    }

    @Test
    void aSignedTokenWhoseSubjectOrGenerationIsNotANumberIsRefusedEveryTime() throws Exception {
        Account user = register("unreadable");
        String userId = parser.parse(user.token()).getSubject();
        String notAnId = Jwt.issuer("ballast").subject("someone").sign();
        String notAGeneration = Jwt.issuer("ballast").subject(userId).claim(TokenService.GENERATION, "new").sign();

        // From the second request on, each is answered from the verified tokens kept: refused there as well.
        for (String refused : new String[] {notAnId, notAGeneration, notAnId, notAGeneration}) {
            given().header("Authorization", "Token " + refused).get("/api/user")
                    .then().statusCode(401).body("errors.body", contains("token is invalid or expired"));
            given().header("Authorization", "Token " + refused).get("/api/articles").then().statusCode(401);
        }
        user.as().get("/api/user").then().statusCode(200);
    }
}

package dev.ballast.profile;

import static dev.ballast.Api.anonymous;
import static dev.ballast.Api.follow;
import static dev.ballast.Api.register;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import dev.ballast.Api.Account;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ProfileResourceTest {

    @Test
    void profileShowsFollowingFromTheCallersPointOfView() {
        Account celeb = register("celeb");
        Account fan = register("fan");
        Account stranger = register("stranger");
        follow(fan, celeb);

        fan.as().get("/api/profiles/" + celeb.username())
                .then().statusCode(200)
                .body("profile.username", equalTo(celeb.username()))
                .body("profile.following", equalTo(true));
        stranger.as().get("/api/profiles/" + celeb.username()).then().body("profile.following", equalTo(false));
        anonymous().get("/api/profiles/" + celeb.username()).then().statusCode(200).body("profile.following", equalTo(false));
    }

    @Test
    void followAndUnfollowAreIdempotent() {
        Account celeb = register("celeb");
        Account fan = register("fan");
        String follow = "/api/profiles/" + celeb.username() + "/follow";

        fan.as().post(follow).then().statusCode(200).body("profile.following", equalTo(true));
        fan.as().post(follow).then().statusCode(200).body("profile.following", equalTo(true));
        fan.as().delete(follow).then().statusCode(200).body("profile.following", equalTo(false));
        fan.as().delete(follow).then().statusCode(200).body("profile.following", equalTo(false));
        fan.as().get("/api/profiles/" + celeb.username()).then().body("profile.following", equalTo(false));
    }

    @Test
    void unknownUsernamesAnonymousFollowersAndSelfFollowsAreRejected() {
        Account user = register("lonely");
        anonymous().get("/api/profiles/nobody-by-this-name").then().statusCode(404)
                .body("errors.body", contains("profile not found"));
        user.as().post("/api/profiles/nobody-by-this-name/follow").then().statusCode(404);
        user.as().delete("/api/profiles/nobody-by-this-name/follow").then().statusCode(404);
        anonymous().post("/api/profiles/" + user.username() + "/follow").then().statusCode(401)
                .body("errors.body", contains("authentication required"));
        user.as().post("/api/profiles/" + user.username() + "/follow").then().statusCode(422)
                .body("errors.body", contains("you cannot follow yourself"));
    }
}

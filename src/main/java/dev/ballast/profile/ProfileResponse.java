package dev.ballast.profile;

public record ProfileResponse(Profile profile) {
}

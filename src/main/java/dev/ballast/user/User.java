package dev.ballast.user;

/** The authenticated user as RealWorld returns it, token included. */
public record User(String email, String token, String username, String bio, String image) {
}

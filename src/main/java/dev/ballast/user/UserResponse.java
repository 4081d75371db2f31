package dev.ballast.user;

public record UserResponse(User user) {
}

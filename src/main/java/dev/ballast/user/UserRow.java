package dev.ballast.user;

import io.vertx.mutiny.sqlclient.Row;

/** A row of the users table; {@code tokenGeneration} is the generation the user's new tokens carry. */
record UserRow(long id, String username, String email, String passwordHash, String bio, String image, long tokenGeneration) {

    static UserRow from(Row row) {
        return new UserRow(row.getLong("id"), row.getString("username"), row.getString("email"),
                row.getString("password_hash"), row.getString("bio"), row.getString("image"), row.getLong("token_generation"));
    }

    User withToken(String token) {
        return new User(email, token, username, bio, image);
    }
}

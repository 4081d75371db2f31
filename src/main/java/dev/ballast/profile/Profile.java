package dev.ballast.profile;

import io.vertx.mutiny.sqlclient.Row;

/** A user as others see them; {@code following} is from the caller's point of view (false when anonymous). */
public record Profile(String username, String bio, String image, boolean following) {

    /** Reads a profile from a row with the columns username, bio, image and following. */
    public static Profile from(Row row) {
        return new Profile(row.getString("username"), row.getString("bio"), row.getString("image"),
                row.getBoolean("following"));
    }
}

package dev.ballast.profile;

import io.vertx.mutiny.sqlclient.Row;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A user as others see them; {@code following} is from the caller's point of view (false when anonymous). */
public record Profile(@Schema(example = "jake") String username, @Schema(example = "I work at statefarm") String bio,
                      @Schema(example = "https://i.stack.imgur.com/xHWG8.jpg") String image, boolean following) {

    /** Reads a profile from a row with the columns username, bio, image and following. */
    public static Profile from(Row row) {
        return new Profile(row.getString("username"), row.getString("bio"), row.getString("image"),
                row.getBoolean("following"));
    }
}

package dev.ballast.profile;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ballast.cache.HeapBytes;
import dev.ballast.cache.ShowsUsers;
import dev.ballast.viewer.ViewerFlags.Flags;
import io.vertx.mutiny.sqlclient.Row;
import java.io.IOException;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A user as others see them; {@code following} is from the caller's point of view (false when anonymous).
 * The user's {@code id} is kept (not served) so that a shared view can be given a viewer's flags.
 */
public record Profile(@JsonIgnore @Schema(hidden = true) long id, @Schema(example = "jake") String username,
                      @Schema(example = "I work at statefarm") String bio,
                      @Schema(example = "https://i.stack.imgur.com/xHWG8.jpg") String image, boolean following)
        implements ShowsUsers, HeapBytes.Weighed {

    /** Reads a profile from a row with the columns user_id, username, bio, image and following. */
    public static Profile from(Row row) {
        return new Profile(row.getLong("user_id"), row.getString("username"), row.getString("bio"),
                row.getString("image"), row.getBoolean("following"));
    }

    @Override
    public boolean showsUser(long userId) {
        return id == userId;
    }

    @Override
    public long heapBytes() {
        return HeapBytes.OBJECT + HeapBytes.string(username) + HeapBytes.string(bio) + HeapBytes.string(image);
    }

    /**
     * Writes this profile as an article or a comment shows it to every reader, up to the viewer's own
     * {@code following}: its name is written; the colon, its value and the closing bracket are the viewer's.
     */
    public void writeSharedStart(JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("username", username);
        json.writeStringField("bio", bio);
        json.writeStringField("image", image);
        json.writeFieldName("following");
    }

    /** This profile as the viewer with these flags sees it (this one when that changes nothing). */
    public Profile seenBy(Flags flags) {
        boolean seenFollowing = flags.following(id);
        return seenFollowing == following ? this : new Profile(id, username, bio, image, seenFollowing);
    }
}

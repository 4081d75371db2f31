package dev.ballast.profile;

import dev.ballast.http.EncodedJson;
import io.vertx.mutiny.sqlclient.Row;

/**
 * A user's profile as a statement reads it, with whether the reader the statement was run for follows them. An
 * article's or a comment's statement reads its author as one too, which is why it is public. Lives only until it
 * is turned into what is kept and served ({@link #shared()}, {@link #view()}).
 */
public record ProfileRow(long userId, String username, String bio, String image, boolean following) {

    /** Reads a profile from a row with the columns user_id, username, bio, image and following. */
    public static ProfileRow from(Row row) {
        return new ProfileRow(row.getLong("user_id"), row.getString("username"), row.getString("bio"),
                row.getString("image"), row.getBoolean("following"));
    }

    /** What every reader of this profile shares: its JSON up to the reader's flag, encoded now. */
    SharedProfile shared() {
        return new SharedProfile(userId, EncodedJson.of(json -> ProfileJson.writeSharedStart(this, json)));
    }

    /** The profile as the reader this row was read for sees it. */
    Profile view() {
        return new Profile(shared(), following);
    }
}

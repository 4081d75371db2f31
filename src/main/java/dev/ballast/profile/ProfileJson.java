package dev.ballast.profile;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.ballast.http.EncodedJson;
import java.io.IOException;

/**
 * A profile's JSON: what every reader sees, encoded once per shared profile ({@link SharedProfile#json()}), then
 * the reader's one flag, {@code following}. Public for its shared start, which articles and comments write as
 * their author's.
 */
public final class ProfileJson extends StdSerializer<Profile> {

    private static final SerializableString NOT_FOLLOWING = EncodedJson.raw(":false}");
    private static final SerializableString FOLLOWING = EncodedJson.raw(":true}");

    ProfileJson() {
        super(Profile.class);
    }

    @Override
    public void serialize(Profile profile, JsonGenerator json, SerializerProvider provider) throws IOException {
        json.writeRawValue(profile.shared().json());
        json.writeRaw(profile.following() ? FOLLOWING : NOT_FOLLOWING);
    }

    /**
     * Every field up to the reader's {@code following}: its name is written; the colon, its value and the closing
     * bracket are the reader's, written after it by whoever shows the profile.
     */
    public static void writeSharedStart(ProfileRow profile, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("username", profile.username());
        json.writeStringField("bio", profile.bio());
        json.writeStringField("image", profile.image());
        json.writeFieldName("following");
    }
}

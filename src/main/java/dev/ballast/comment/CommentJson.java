package dev.ballast.comment;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.ballast.http.EncodedJson;
import dev.ballast.http.JsonConfig;
import dev.ballast.profile.ProfileJson;
import java.io.IOException;

/**
 * A comment's JSON: what every reader sees, encoded once per shared comment ({@link SharedComment#json()}), then
 * the reader's one flag, the author's {@code following}.
 */
final class CommentJson extends StdSerializer<Comment> {

    private static final SerializableString NOT_FOLLOWING = EncodedJson.raw(":false}}");
    private static final SerializableString FOLLOWING = EncodedJson.raw(":true}}");

    CommentJson() {
        super(Comment.class);
    }

    @Override
    public void serialize(Comment comment, JsonGenerator json, SerializerProvider provider) throws IOException {
        json.writeRawValue(comment.shared().json());
        json.writeRaw(comment.authorFollowed() ? FOLLOWING : NOT_FOLLOWING);
    }

    static void writeSharedStart(CommentRow comment, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeNumberField("id", comment.id());
        json.writeStringField("createdAt", JsonConfig.format(comment.createdAt()));
        json.writeStringField("updatedAt", JsonConfig.format(comment.updatedAt()));
        json.writeStringField("body", comment.body());
        json.writeFieldName("author");
        ProfileJson.writeSharedStart(comment.author(), json);
    }
}

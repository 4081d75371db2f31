package dev.ballast.profile;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/**
 * A user as the API writes them to one reader: the JSON every reader shares, then whether this reader follows them
 * ({@link ProfileJson}; false when anonymous). Public as the schema of an article's or a comment's author. The
 * schema is declared here because the JSON is not written from fields.
 */
@JsonSerialize(using = ProfileJson.class)
@Schema(name = "Profile", properties = {
        @SchemaProperty(name = "username", type = SchemaType.STRING, example = "jake"),
        @SchemaProperty(name = "bio", type = SchemaType.STRING, example = "I work at statefarm"),
        @SchemaProperty(name = "image", type = SchemaType.STRING, example = "https://i.stack.imgur.com/xHWG8.jpg"),
        @SchemaProperty(name = "following", type = SchemaType.BOOLEAN)})
public record Profile(@Schema(hidden = true) SharedProfile shared, @Schema(hidden = true) boolean following) {
}

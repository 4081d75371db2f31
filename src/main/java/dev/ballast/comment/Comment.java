package dev.ballast.comment;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.ballast.profile.Profile;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/**
 * A comment as the API writes it to one reader: the JSON every reader shares, then whether this reader follows its
 * author ({@link CommentJson}). The schema is declared here because the JSON is not written from fields.
 */
@JsonSerialize(using = CommentJson.class)
@Schema(name = "Comment", properties = {
        @SchemaProperty(name = "id", type = SchemaType.INTEGER, format = "int64", example = "1"),
        @SchemaProperty(name = "createdAt", type = SchemaType.STRING, format = "date-time",
                example = "2026-02-18T03:22:56.637Z"),
        @SchemaProperty(name = "updatedAt", type = SchemaType.STRING, format = "date-time",
                example = "2026-02-18T03:22:56.637Z"),
        @SchemaProperty(name = "body", type = SchemaType.STRING, example = "It takes a Jacobian"),
        @SchemaProperty(name = "author", implementation = Profile.class)})
public record Comment(@Schema(hidden = true) SharedComment shared, @Schema(hidden = true) boolean authorFollowed) {
}

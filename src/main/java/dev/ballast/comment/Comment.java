package dev.ballast.comment;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.ballast.cache.HeapBytes;
import dev.ballast.cache.ShowsUsers;
import dev.ballast.http.EncodedJson;
import dev.ballast.profile.Profile;
import dev.ballast.viewer.ViewerFlags.Flags;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A comment as RealWorld returns it; the author's {@code following} is from the caller's point of view. The views of
 * one comment to different viewers share the JSON of what they have in common ({@link CommentJson}).
 */
@JsonSerialize(using = CommentJson.class)
public record Comment(@Schema(example = "1") long id, @Schema(example = "2026-02-18T03:22:56.637Z") Instant createdAt,
                      @Schema(example = "2026-02-18T03:22:56.637Z") Instant updatedAt, @Schema(example = "It takes a Jacobian") String body, Profile author,
                      @JsonIgnore @Schema(hidden = true) EncodedJson encoded) implements ShowsUsers, HeapBytes.Weighed {

    static Comment from(Row row) {
        return new Comment(row.getLong("id"), row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("updated_at").toInstant(), row.getString("body"), Profile.from(row), new EncodedJson());
    }

    @Override
    public boolean showsUser(long userId) {
        return author.showsUser(userId);
    }

    /** This view as a cache keeps it for every reader: its JSON written now, its body held only there. */
    Comment shared() {
        encoded.encodeNow(start -> CommentJson.writeSharedStart(this, start));
        return body == null ? this : new Comment(id, createdAt, updatedAt, null, author, encoded);
    }

    @Override
    public long heapBytes() {
        return HeapBytes.OBJECT + 2 * HeapBytes.OBJECT + HeapBytes.string(body) + author.heapBytes() + encoded.heapBytes();
    }

    /** This shared view as the viewer with these flags sees it (this one when that changes nothing). */
    Comment seenWith(Flags flags) {
        Profile seenAuthor = author.seenWith(flags);
        return seenAuthor == author ? this : new Comment(id, createdAt, updatedAt, body, seenAuthor, encoded);
    }
}

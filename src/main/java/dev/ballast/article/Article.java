package dev.ballast.article;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.ballast.cache.HeapBytes;
import dev.ballast.cache.ShowsUsers;
import dev.ballast.http.EncodedJson;
import dev.ballast.profile.Profile;
import dev.ballast.viewer.ViewerFlags.Flags;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An article as RealWorld returns it. {@code body} is left out of list pages (as the spec's list schema
 * does); {@code favorited} and the author's {@code following} are from the caller's point of view. The
 * article's {@code id} is kept (not served) so that a shared view can be given a viewer's flags; the views
 * of one article to different viewers share the JSON of what they have in common ({@link ArticleJson}).
 */
@JsonSerialize(using = ArticleJson.class)
public record Article(@JsonIgnore @Schema(hidden = true) long id,
                      @Schema(example = "how-to-train-your-dragon") String slug, @Schema(example = "How to train your dragon") String title,
                      @Schema(example = "Ever wonder how?") String description,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String body,
                      @Schema(example = "[\"dragons\", \"training\"]") List<String> tagList,
                      @Schema(example = "2026-02-18T03:22:56.637Z") Instant createdAt, @Schema(example = "2026-02-18T03:48:35.824Z") Instant updatedAt,
                      boolean favorited, int favoritesCount, Profile author,
                      @JsonIgnore @Schema(hidden = true) EncodedJson encoded) implements ShowsUsers, HeapBytes.Weighed {

    static Article from(Row row) {
        return new Article(row.getLong("article_id"), row.getString("slug"), row.getString("title"),
                row.getString("description"), row.getString("body"), List.of(row.getArrayOfStrings("tag_list")),
                row.getOffsetDateTime("created_at").toInstant(), row.getOffsetDateTime("updated_at").toInstant(),
                row.getBoolean("favorited"), row.getInteger("favorites_count"), Profile.from(row), new EncodedJson());
    }

    @Override
    public boolean showsUser(long userId) {
        return author.showsUser(userId);
    }

    /**
     * This view as a cache keeps it for every reader: its JSON written now, and its body (the largest part, up to
     * {@code ARTICLE_BODY_MAX_LENGTH}) held only there, not a second time as a string.
     */
    Article shared() {
        encoded.encodeNow(start -> ArticleJson.writeSharedStart(this, start));
        return body == null ? this
                : new Article(id, slug, title, description, null, tagList, createdAt, updatedAt, favorited, favoritesCount, author, encoded);
    }

    @Override
    public long heapBytes() {
        return HeapBytes.OBJECT + 2 * HeapBytes.OBJECT + HeapBytes.string(slug) + HeapBytes.string(title)
                + HeapBytes.string(description) + HeapBytes.string(body) + HeapBytes.of(tagList) + author.heapBytes()
                + encoded.heapBytes();
    }

    /** This shared view as the viewer with these flags sees it (this one when that changes nothing). */
    Article seenWith(Flags flags) {
        boolean seenFavorited = flags.favorited(id);
        Profile seenAuthor = author.seenWith(flags);
        return seenFavorited == favorited && seenAuthor == author ? this
                : new Article(id, slug, title, description, body, tagList, createdAt, updatedAt, seenFavorited, favoritesCount, seenAuthor, encoded);
    }
}

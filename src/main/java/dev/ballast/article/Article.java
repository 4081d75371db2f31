package dev.ballast.article;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.ballast.profile.Profile;
import dev.ballast.viewer.ViewerFlags.Flags;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/**
 * An article as the API writes it to one reader: the JSON every reader shares, then this reader's two flags
 * ({@link ArticleJson}). {@code body} is left out of list pages (as the spec's list schema does). The schema is
 * declared here because the JSON is not written from fields.
 */
@JsonSerialize(using = ArticleJson.class)
@Schema(name = "Article", properties = {
        @SchemaProperty(name = "slug", type = SchemaType.STRING, example = "how-to-train-your-dragon"),
        @SchemaProperty(name = "title", type = SchemaType.STRING, example = "How to train your dragon"),
        @SchemaProperty(name = "description", type = SchemaType.STRING, example = "Ever wonder how?"),
        @SchemaProperty(name = "body", type = SchemaType.STRING, description = "Left out of list pages"),
        @SchemaProperty(name = "tagList", type = SchemaType.ARRAY, implementation = String.class,
                example = "[\"dragons\", \"training\"]"),
        @SchemaProperty(name = "createdAt", type = SchemaType.STRING, format = "date-time",
                example = "2026-02-18T03:22:56.637Z"),
        @SchemaProperty(name = "updatedAt", type = SchemaType.STRING, format = "date-time",
                example = "2026-02-18T03:48:35.824Z"),
        @SchemaProperty(name = "favorited", type = SchemaType.BOOLEAN),
        @SchemaProperty(name = "favoritesCount", type = SchemaType.INTEGER, format = "int32"),
        @SchemaProperty(name = "author", implementation = Profile.class)})
public record Article(@Schema(hidden = true) SharedArticle shared, @Schema(hidden = true) boolean favorited,
                      @Schema(hidden = true) boolean authorFollowed) {

    /** This article as the reader with these flags sees it (this one when that changes nothing). */
    Article seenBy(Flags flags) {
        boolean seenFavorited = flags.favorited(shared.id());
        boolean seenAuthorFollowed = flags.following(shared.authorId());
        return seenFavorited == favorited && seenAuthorFollowed == authorFollowed ? this
                : new Article(shared, seenFavorited, seenAuthorFollowed);
    }
}

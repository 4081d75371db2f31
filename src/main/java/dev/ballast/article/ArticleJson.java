package dev.ballast.article;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.ballast.http.EncodedJson;
import dev.ballast.http.JsonConfig;
import dev.ballast.profile.ProfileJson;
import java.io.IOException;

/**
 * An article's JSON: what every reader sees, encoded once per shared article ({@link SharedArticle#json()}), then
 * the reader's two flags, the author's {@code following} and the article's {@code favorited} (last).
 */
final class ArticleJson extends StdSerializer<Article> {

    /** The end of an article by its flags: index 2 when favorited, plus 1 when its author is followed. */
    private static final SerializableString[] ENDS = {
            EncodedJson.raw(":false},\"favorited\":false}"), EncodedJson.raw(":true},\"favorited\":false}"),
            EncodedJson.raw(":false},\"favorited\":true}"), EncodedJson.raw(":true},\"favorited\":true}")};

    ArticleJson() {
        super(Article.class);
    }

    @Override
    public void serialize(Article article, JsonGenerator json, SerializerProvider provider) throws IOException {
        json.writeRawValue(article.shared().json());
        json.writeRaw(ENDS[(article.favorited() ? 2 : 0) + (article.authorFollowed() ? 1 : 0)]);
    }

    /** Every field but {@code favorited}, the author up to their {@code following}. */
    static void writeSharedStart(ArticleRow article, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("slug", article.slug());
        json.writeStringField("title", article.title());
        json.writeStringField("description", article.description());
        if (article.body() != null) {
            json.writeStringField("body", article.body());
        }
        json.writeArrayFieldStart("tagList");
        for (String tag : article.tagList()) {
            json.writeString(tag);
        }
        json.writeEndArray();
        json.writeStringField("createdAt", JsonConfig.format(article.createdAt()));
        json.writeStringField("updatedAt", JsonConfig.format(article.updatedAt()));
        json.writeNumberField("favoritesCount", article.favoritesCount());
        json.writeFieldName("author");
        ProfileJson.writeSharedStart(article.author(), json);
    }
}

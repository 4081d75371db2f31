package dev.ballast.article;

import dev.ballast.http.EncodedJson;
import dev.ballast.profile.ProfileRow;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.util.List;

/**
 * An article as its statements read it: the article, its tags and its author, with the flags of the reader the
 * statement was run for (false in what every reader shares). Lives only until it is turned into what is kept and
 * served ({@link #shared()}, {@link #view()}): the body, its largest part, is then held only in the encoded JSON.
 */
record ArticleRow(long id, String slug, String title, String description, String body, List<String> tagList,
                  Instant createdAt, Instant updatedAt, boolean favorited, int favoritesCount, ProfileRow author) {

    static ArticleRow from(Row row) {
        return new ArticleRow(row.getLong("article_id"), row.getString("slug"), row.getString("title"),
                row.getString("description"), row.getString("body"), List.of(row.getArrayOfStrings("tag_list")),
                row.getOffsetDateTime("created_at").toInstant(), row.getOffsetDateTime("updated_at").toInstant(),
                row.getBoolean("favorited"), row.getInteger("favorites_count"), ProfileRow.from(row));
    }

    /** What every reader of this article shares: its JSON up to the reader's flags, encoded now. */
    SharedArticle shared() {
        return new SharedArticle(id, slug, author.userId(), EncodedJson.of(json -> ArticleJson.writeSharedStart(this, json)));
    }

    /** The article as the reader this row was read for sees it. */
    Article view() {
        return new Article(shared(), favorited, author.following());
    }
}

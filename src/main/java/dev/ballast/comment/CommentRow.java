package dev.ballast.comment;

import dev.ballast.http.EncodedJson;
import dev.ballast.profile.ProfileRow;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;

/**
 * A comment as its statements read it, with its author and whether the reader the statement was run for follows
 * them. Lives only until it is turned into what is kept and served ({@link #shared()}, {@link #view()}): the body
 * is then held only in the encoded JSON.
 */
record CommentRow(long id, Instant createdAt, Instant updatedAt, String body, ProfileRow author) {

    static CommentRow from(Row row) {
        return new CommentRow(row.getLong("id"), row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("updated_at").toInstant(), row.getString("body"), ProfileRow.from(row));
    }

    /** What every reader of this comment shares: its JSON up to the reader's flag, encoded now. */
    SharedComment shared() {
        return new SharedComment(id, author.userId(), EncodedJson.of(json -> CommentJson.writeSharedStart(this, json)));
    }

    /** The comment as the reader this row was read for sees it. */
    Comment view() {
        return new Comment(shared(), author.following());
    }
}

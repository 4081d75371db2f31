package dev.ballast.comment;

import dev.ballast.profile.Profile;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;

public record Comment(long id, Instant createdAt, Instant updatedAt, String body, Profile author) {

    static Comment from(Row row) {
        return new Comment(row.getLong("id"), row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("updated_at").toInstant(), row.getString("body"), Profile.from(row));
    }
}

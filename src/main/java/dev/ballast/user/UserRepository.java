package dev.ballast.user;

import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import dev.ballast.http.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** The SQL of the users table. Uniqueness is decided by the database's keys, checked first for clear messages. */
@ApplicationScoped
class UserRepository {

    private static final String COLUMNS = "id, username, email, password_hash, bio, image";

    private static final Statement BY_ID = Statement.read("user.byId",
            "select " + COLUMNS + " from users where id = $1");
    private static final Statement BY_EMAIL = Statement.read("user.byEmail",
            "select " + COLUMNS + " from users where lower(email) = lower($1)");
    private static final Statement TAKEN = Statement.read("user.taken", """
            select exists(select 1 from users where username = $1 and id <> $3) as username_taken,
                   exists(select 1 from users where lower(email) = lower($2) and id <> $3) as email_taken""");
    private static final Statement INSERT = Statement.write("user.insert",
            "insert into users (username, email, password_hash) values ($1, $2, $3) returning " + COLUMNS);
    private static final Statement UPDATE = Statement.write("user.update", """
            update users set username = coalesce($2, username), email = coalesce($3, email),
                             password_hash = coalesce($4, password_hash),
                             bio = case when $5::text is null then bio when $5 ~ '^\\s*$' then null else $5 end,
                             image = case when $6::text is null then image when $6 ~ '^\\s*$' then null else $6 end
            where id = $1 returning\s""" + COLUMNS);

    private final Database db;

    UserRepository(Database db) {
        this.db = db;
    }

    Uni<UserRow> byId(long id) {
        return db.execute(BY_ID, Tuple.of(id)).map(UserRepository::userOrNull);
    }

    Uni<UserRow> byEmail(String email) {
        return db.execute(BY_EMAIL, Tuple.of(email)).map(UserRepository::userOrNull);
    }

    /** Fails with 422 naming every field already taken by another user than {@code exceptId}. */
    Uni<Void> requireAvailable(String username, String email, long exceptId) {
        return db.execute(TAKEN, Tuple.of(username, email, exceptId)).map(rows -> {
            Row row = rows.iterator().next();
            List<String> taken = new ArrayList<>();
            if (row.getBoolean("username_taken")) {
                taken.add("username has already been taken");
            }
            if (row.getBoolean("email_taken")) {
                taken.add("email has already been taken");
            }
            if (!taken.isEmpty()) {
                throw ApiException.unprocessable(taken);
            }
            return null;
        });
    }

    Uni<UserRow> insert(String username, String email, String passwordHash) {
        return db.execute(INSERT, Tuple.of(username, email, passwordHash))
                .map(UserRepository::userOrNull)
                .onFailure().transform(UserRepository::takenFieldOrSame);
    }

    /** Changes the given fields; a null leaves a field as it is, a blank bio or image removes it (stored as null). */
    Uni<UserRow> update(long id, String username, String email, String passwordHash, String bio, String image) {
        Tuple args = Tuple.of(id, username, email, passwordHash, bio, image);
        return db.execute(UPDATE, args)
                .map(UserRepository::userOrNull)
                .onFailure().transform(UserRepository::takenFieldOrSame);
    }

    /** Two requests raced past the availability check: the unique key decided, and the loser gets 422. */
    private static Throwable takenFieldOrSame(Throwable failure) {
        if (Database.isUniqueViolation(failure, "users_username_key")) {
            return ApiException.unprocessable("username has already been taken");
        }
        if (Database.isUniqueViolation(failure, "users_email_key")) {
            return ApiException.unprocessable("email has already been taken");
        }
        return failure;
    }

    private static UserRow userOrNull(RowSet<Row> rows) {
        return Database.firstRow(rows).map(UserRow::from).orElse(null);
    }
}

package dev.ballast.user;

import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import dev.ballast.failures.AlreadyTaken;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of the users table. Uniqueness is decided by the database's keys, checked first for clear messages. An
 * email is looked up by its key ({@link Emails#key}), which its unique index folds alike.
 */
@ApplicationScoped
class UserRepository {

    private static final String COLUMNS = "id, username, email, password_hash, bio, image, token_generation";

    private static final Statement BY_ID = Statement.read("user.byId",
            "select " + COLUMNS + " from users where id = $1");
    // Login and the checks before a write read the primary: the latest password, the latest taken names.
    private static final Statement BY_EMAIL = Statement.readOnPrimary("user.byEmail",
            "select " + COLUMNS + " from users where lower(email collate \"C\") = $1");
    private static final Statement TAKEN = Statement.readOnPrimary("user.taken", """
            select exists(select 1 from users where username = $1 and id <> $3) as username_taken,
                   exists(select 1 from users where lower(email collate "C") = $2 and id <> $3) as email_taken,
                   $2::text is not null
                       and not exists(select 1 from users where id = $3 and lower(email collate "C") = $2) as email_changes""");
    private static final Statement INSERT = Statement.write("user.insert",
            "insert into users (username, email, password_hash) values ($1, $2, $3) returning " + COLUMNS);
    /**
     * Changes the given fields, with the user's row as it was (locked first, so the values are those this update
     * replaced); a new password bumps the token generation.
     */
    private static final Statement UPDATE = Statement.write("user.update", """
            with before as (select id, username, bio, image from users where id = $1 for update)
            update users u set username = coalesce($2, u.username), email = coalesce($3, u.email),
                               password_hash = coalesce($4, u.password_hash),
                               token_generation = u.token_generation + case when $4::text is null then 0 else 1 end,
                               bio = case when $5::text is null then u.bio when $5 ~ '^\\s*$' then null else $5 end,
                               image = case when $6::text is null then u.image when $6 ~ '^\\s*$' then null else $6 end
            from before where u.id = before.id
            returning u.id, u.username, u.email, u.password_hash, u.bio, u.image, u.token_generation,
                      before.username as username_before, before.bio as bio_before, before.image as image_before""");

    private final Database db;

    UserRepository(Database db) {
        this.db = db;
    }

    Uni<UserRow> byId(long id) {
        return db.execute(BY_ID, Tuple.of(id)).map(UserRepository::userOrNull);
    }

    Uni<UserRow> byEmail(String email) {
        return db.execute(BY_EMAIL, Tuple.of(Emails.key(email))).map(UserRepository::userOrNull);
    }

    /**
     * Whether a username and an email are taken by another user than {@code exceptId}, and whether the email is
     * another than that user's own (any email, at registration).
     */
    record Availability(boolean usernameTaken, boolean emailTaken, boolean emailChanges) {

        /** Fails naming every field already taken. */
        void require() {
            List<String> taken = new ArrayList<>();
            if (usernameTaken) {
                taken.add("username");
            }
            if (emailTaken) {
                taken.add("email");
            }
            if (!taken.isEmpty()) {
                throw new AlreadyTaken(taken);
            }
        }
    }

    Uni<Availability> availability(String username, String email, long exceptId) {
        return db.execute(TAKEN, Tuple.of(username, email == null ? null : Emails.key(email), exceptId)).map(rows -> {
            Row row = rows.iterator().next();
            return new Availability(row.getBoolean("username_taken"), row.getBoolean("email_taken"),
                    row.getBoolean("email_changes"));
        });
    }

    Uni<UserRow> insert(String username, String email, String passwordHash) {
        return db.execute(INSERT, Tuple.of(username, email, passwordHash))
                .map(UserRepository::userOrNull)
                .onFailure().transform(UserRepository::takenFieldOrSame);
    }

    /**
     * Changes the given fields; a null leaves a field as it is, a blank bio or image removes it (stored as null).
     * A new password hash bumps the token generation. Null when there is no such user.
     */
    Uni<UserUpdate> update(long id, String username, String email, String passwordHash, String bio, String image) {
        Tuple args = Tuple.of(id, username, email, passwordHash, bio, image);
        return db.execute(UPDATE, args)
                .map(rows -> Database.firstRow(rows).map(row -> new UserUpdate(UserRow.from(row), row.getString("username_before"),
                        row.getString("bio_before"), row.getString("image_before"), passwordHash != null)).orElse(null))
                .onFailure().transform(UserRepository::takenFieldOrSame);
    }

    /** Two requests raced past the availability check: the unique key decided, and the loser is told it is taken. */
    private static Throwable takenFieldOrSame(Throwable failure) {
        if (Database.isUniqueViolation(failure, "users_username_key")) {
            return new AlreadyTaken("username");
        }
        if (Database.isUniqueViolation(failure, "users_email_folded_key")) {
            return new AlreadyTaken("email");
        }
        return failure;
    }

    private static UserRow userOrNull(RowSet<Row> rows) {
        return Database.firstRow(rows).map(UserRow::from).orElse(null);
    }
}

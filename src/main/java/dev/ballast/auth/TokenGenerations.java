package dev.ballast.auth;

import dev.ballast.cache.ReadCaches;
import dev.ballast.cache.ViewCache;
import dev.ballast.cache.ViewCaches;
import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Each user's token generation (the users table's {@code token_generation}, bumped by every password change),
 * cached per user so that checking a token costs no statement while its user's entry is warm. A password change
 * empties the entry here and, through a cache notice, on every other replica ({@link ReadCaches#TOKEN_GENERATIONS});
 * {@code CACHE_TOKEN_GENERATIONS_TTL} bounds how long a replica that missed the notice accepts the old tokens.
 */
@ApplicationScoped
public class TokenGenerations {

    /** The generation of a user who does not exist: no token of theirs is accepted. */
    static final long UNKNOWN_USER = Long.MAX_VALUE;

    /** On the primary: a token its user's password change ended must not pass on a replica that is behind. */
    private static final Statement CURRENT = Statement.readOnPrimary("auth.tokenGeneration",
            "select token_generation from users where id = $1");

    private final Database db;
    private final ViewCache<Long, Long> generations;

    TokenGenerations(Database db, ViewCaches caches) {
        this.db = db;
        this.generations = caches.named(ReadCaches.TOKEN_GENERATIONS);
    }

    /** The user's generation if it is cached and loaded, else null: no statement, no waiting. */
    Long cachedNow(long userId) {
        return generations.now(userId);
    }

    /** The user's current generation ({@link #UNKNOWN_USER} when there is no such user); cached. */
    public Uni<Long> current(long userId) {
        return generations.get(userId, id -> db.execute(CURRENT, Tuple.of(id))
                .map(rows -> Database.firstRow(rows).map(row -> row.getLong("token_generation")).orElse(UNKNOWN_USER)));
    }
}

package dev.ballast.profile;

import dev.ballast.cache.ReadCaches;
import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import dev.ballast.http.ApiException;
import io.quarkus.cache.CacheResult;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The SQL of profiles and follows. A profile is read once for every reader and cached here.
 */
@ApplicationScoped
class ProfileRepository {

    private static final Statement BY_USERNAME = Statement.read("profile.byUsername", """
            select u.id as user_id, u.username, u.bio, u.image, false as following from users u where u.username = $1""");
    private static final Statement FOLLOW = Statement.write("profile.follow", """
            insert into follows (follower_id, followee_id) values ($1, $2) on conflict do nothing""");
    private static final Statement UNFOLLOW = Statement.write("profile.unfollow",
            "delete from follows where follower_id = $1 and followee_id = $2");

    private final Database db;

    ProfileRepository(Database db) {
        this.db = db;
    }

    /** A profile as every reader sees it before their own flag; cached. 404 for an unknown username. */
    @CacheResult(cacheName = ReadCaches.PROFILE)
    Uni<Profile> sharedByUsername(String username) {
        return db.execute(BY_USERNAME, Tuple.of(username))
                .map(rows -> Profile.from(Database.firstRow(rows).orElseThrow(() -> ApiException.notFound("profile"))));
    }

    Uni<Void> follow(long followerId, long followeeId) {
        return db.execute(FOLLOW, Tuple.of(followerId, followeeId)).replaceWithVoid();
    }

    Uni<Void> unfollow(long followerId, long followeeId) {
        return db.execute(UNFOLLOW, Tuple.of(followerId, followeeId)).replaceWithVoid();
    }
}

package dev.ballast.profile;

import dev.ballast.cache.ReadCaches;
import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import dev.ballast.http.ApiException;
import io.quarkus.cache.CacheResult;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** Profiles and follows. Following twice or unfollowing someone not followed changes nothing and succeeds. */
@ApplicationScoped
class ProfileRepository {

    private static final Statement BY_USERNAME = Statement.read("profile.byUsername", """
            select u.id, u.username, u.bio, u.image,
                   exists(select 1 from follows f where f.follower_id = $2 and f.followee_id = u.id) as following
            from users u where u.username = $1""");
    private static final Statement FOLLOW = Statement.write("profile.follow", """
            insert into follows (follower_id, followee_id) values ($1, $2) on conflict do nothing""");
    private static final Statement UNFOLLOW = Statement.write("profile.unfollow",
            "delete from follows where follower_id = $1 and followee_id = $2");

    private final Database db;

    ProfileRepository(Database db) {
        this.db = db;
    }

    /** A profile as any anonymous caller sees it (not following); cached. */
    @CacheResult(cacheName = ReadCaches.PROFILE)
    Uni<Profile> anonymousByUsername(String username) {
        return byUsername(username, null);
    }

    /** The profile seen by {@code viewerId} (null when anonymous); 404 for an unknown username. */
    Uni<Profile> byUsername(String username, Long viewerId) {
        return target(username, viewerId).map(Profile::from);
    }

    Uni<Profile> follow(long followerId, String username) {
        return target(username, followerId).chain(row -> {
            long followeeId = row.getLong("id");
            if (followeeId == followerId) {
                return Uni.createFrom().failure(ApiException.unprocessable("you cannot follow yourself"));
            }
            return db.execute(FOLLOW, Tuple.of(followerId, followeeId)).map(done -> withFollowing(row, true));
        });
    }

    Uni<Profile> unfollow(long followerId, String username) {
        return target(username, followerId)
                .chain(row -> db.execute(UNFOLLOW, Tuple.of(followerId, row.getLong("id")))
                        .map(done -> withFollowing(row, false)));
    }

    private Uni<Row> target(String username, Long viewerId) {
        return db.execute(BY_USERNAME, Tuple.of(username, viewerId))
                .map(rows -> Database.firstRow(rows).orElseThrow(() -> ApiException.notFound("profile")));
    }

    private static Profile withFollowing(Row row, boolean following) {
        return new Profile(row.getString("username"), row.getString("bio"), row.getString("image"), following);
    }
}

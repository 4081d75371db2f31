package dev.ballast.profile;

import dev.ballast.cache.ReadCaches;
import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import dev.ballast.http.ApiException;
import dev.ballast.viewer.ViewerFlags;
import io.quarkus.cache.CacheResult;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Profiles and follows. Following twice or unfollowing someone not followed changes nothing and succeeds. A
 * profile is read once for every reader (cached); a signed-in viewer gets it with their own follow flag added.
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
    private final ViewerFlags viewerFlags;
    private final ReadCaches caches;

    ProfileRepository(Database db, ViewerFlags viewerFlags, ReadCaches caches) {
        this.db = db;
        this.viewerFlags = viewerFlags;
        this.caches = caches;
    }

    /** A profile as every reader sees it before their own flag; cached. 404 for an unknown username. */
    @CacheResult(cacheName = ReadCaches.PROFILE)
    Uni<Profile> sharedByUsername(String username) {
        return db.execute(BY_USERNAME, Tuple.of(username))
                .map(rows -> Profile.from(Database.firstRow(rows).orElseThrow(() -> ApiException.notFound("profile"))));
    }

    /** The profile seen by {@code viewerId} (null when anonymous); 404 for an unknown username. */
    Uni<Profile> byUsername(String username, Long viewerId) {
        Uni<Profile> shared = ReadCaches.detachedFromCancellation(sharedByUsername(username));
        return viewerId == null ? shared
                : shared.chain(profile -> viewerFlags.among(viewerId, List.of(), List.of(profile.id())).map(profile::seenWith));
    }

    Uni<Profile> follow(long followerId, String username) {
        return ReadCaches.detachedFromCancellation(sharedByUsername(username)).chain(profile -> {
            if (profile.id() == followerId) {
                return Uni.createFrom().failure(ApiException.unprocessable("you cannot follow yourself"));
            }
            return db.execute(FOLLOW, Tuple.of(followerId, profile.id())).call(() -> caches.followsChanged(followerId))
                    .map(done -> profile.withFollowing(true));
        });
    }

    Uni<Profile> unfollow(long followerId, String username) {
        return ReadCaches.detachedFromCancellation(sharedByUsername(username)).chain(profile ->
                db.execute(UNFOLLOW, Tuple.of(followerId, profile.id())).call(() -> caches.followsChanged(followerId))
                        .map(done -> profile.withFollowing(false)));
    }
}

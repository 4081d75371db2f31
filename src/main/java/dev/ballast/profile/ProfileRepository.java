package dev.ballast.profile;

import dev.ballast.cache.ReadCaches;
import dev.ballast.cache.ViewCache;
import dev.ballast.cache.ViewCaches;
import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import dev.ballast.facts.Fact;
import dev.ballast.facts.Fact.FollowChanged;
import dev.ballast.failures.NotFound;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of profiles and follows. A profile is read once for every reader and cached here.
 */
@ApplicationScoped
class ProfileRepository {

    private static final Statement BY_USERNAME = Statement.read("profile.byUsername", """
            select u.id as user_id, u.username, u.bio, u.image, false as following from users u where u.username = $1""");
    // A follow or unfollow is one statement: it finds the user by name ($2), writes, and returns the profile and
    // whether it changed something. No row: no such user. Following oneself writes nothing.
    private static final Statement FOLLOW = Statement.batchedWrite("profile.follow", """
            with followee as (select id, username, bio, image from users where username = $2),
            changed as (
                insert into follows (follower_id, followee_id) select $1, id from followee where id <> $1
                on conflict do nothing returning followee_id)
            select f.id as user_id, f.username, f.bio, f.image, true as following, exists(select 1 from changed) as changed
            from followee f""");
    private static final Statement UNFOLLOW = Statement.batchedWrite("profile.unfollow", """
            with followee as (select id, username, bio, image from users where username = $2),
            changed as (
                delete from follows where follower_id = $1 and followee_id in (select id from followee) returning followee_id)
            select f.id as user_id, f.username, f.bio, f.image, false as following, exists(select 1 from changed) as changed
            from followee f""");

    /** The profile as the follower sees it after the write, and what the write changed. */
    record WriteResult(ProfileRow profile, List<Fact> facts) {
    }

    private final Database db;
    private final ViewCache<String, SharedProfile> profiles;

    ProfileRepository(Database db, ViewCaches caches) {
        this.db = db;
        this.profiles = caches.named(ReadCaches.PROFILE);
    }

    /** A profile as every reader sees it before their own flag; cached. {@link NotFound} for an unknown username. */
    Uni<SharedProfile> sharedByUsername(String username) {
        return profiles.get(username, name -> db.execute(BY_USERNAME, Tuple.of(name))
                .map(rows -> ProfileRow.from(Database.firstRow(rows).orElseThrow(() -> new NotFound("profile"))).shared()));
    }

    /** Follows the user (again: no change); empty when there is no such user. */
    Uni<Optional<WriteResult>> follow(long followerId, String username) {
        return changeFollow(FOLLOW, followerId, username);
    }

    Uni<Optional<WriteResult>> unfollow(long followerId, String username) {
        return changeFollow(UNFOLLOW, followerId, username);
    }

    private Uni<Optional<WriteResult>> changeFollow(Statement change, long followerId, String username) {
        return db.execute(change, Tuple.of(followerId, username))
                .map(rows -> Database.firstRow(rows).map(row -> new WriteResult(ProfileRow.from(row),
                        row.getBoolean("changed") ? List.of(new FollowChanged(followerId)) : List.of())));
    }
}

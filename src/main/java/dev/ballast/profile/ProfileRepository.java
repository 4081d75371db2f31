package dev.ballast.profile;

import dev.ballast.cache.ReadCaches;
import dev.ballast.cache.ViewCache;
import dev.ballast.cache.ViewCaches;
import dev.ballast.cache.WriteNotice;
import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import dev.ballast.http.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.Optional;

/**
 * The SQL of profiles and follows. A profile is read once for every reader and cached here.
 */
@ApplicationScoped
class ProfileRepository {

    private static final Statement BY_USERNAME = Statement.read("profile.byUsername", """
            select u.id as user_id, u.username, u.bio, u.image, false as following from users u where u.username = $1""");
    // A follow or unfollow is one statement: it finds the user by name ($2), writes, sends its cache notice when
    // it changed something and is given a channel ($3, null for none; $4 the payload), and returns the profile
    // with the payload of what it changed ("notice"). No row: no such user. Following oneself writes nothing.
    private static final Statement FOLLOW = Statement.batchedWrite("profile.follow", """
            with followee as (select id, username, bio, image from users where username = $2),
            changed as (
                insert into follows (follower_id, followee_id) select $1, id from followee where id <> $1
                on conflict do nothing returning followee_id),
            n as (select case when exists(select 1 from changed) then $4::text end as notice)
            select f.id as user_id, f.username, f.bio, f.image, true as following, n.notice,
                   (case when $3::text is not null and n.notice is not null then pg_notify($3::text, n.notice) end) is not null as sent
            from followee f cross join n""");
    private static final Statement UNFOLLOW = Statement.batchedWrite("profile.unfollow", """
            with followee as (select id, username, bio, image from users where username = $2),
            changed as (
                delete from follows where follower_id = $1 and followee_id in (select id from followee) returning followee_id),
            n as (select case when exists(select 1 from changed) then $4::text end as notice)
            select f.id as user_id, f.username, f.bio, f.image, false as following, n.notice,
                   (case when $3::text is not null and n.notice is not null then pg_notify($3::text, n.notice) end) is not null as sent
            from followee f cross join n""");

    /** The profile as the follower sees it after the write, and the notice the write sent. */
    record Written(Profile profile, String notice) {
    }

    private final Database db;
    private final ViewCache<String, Profile> profiles;

    ProfileRepository(Database db, ViewCaches caches) {
        this.db = db;
        this.profiles = caches.named(ReadCaches.PROFILE);
    }

    /** A profile as every reader sees it before their own flag; cached. 404 for an unknown username. */
    Uni<Profile> sharedByUsername(String username) {
        return profiles.get(username, name -> db.execute(BY_USERNAME, Tuple.of(name))
                .map(rows -> Profile.from(Database.firstRow(rows).orElseThrow(() -> ApiException.notFound("profile")))));
    }

    /** Follows the user (again: no change); empty when there is no such user. */
    Uni<Optional<Written>> follow(long followerId, String username, WriteNotice notice) {
        return changeFollow(FOLLOW, followerId, username, notice);
    }

    Uni<Optional<Written>> unfollow(long followerId, String username, WriteNotice notice) {
        return changeFollow(UNFOLLOW, followerId, username, notice);
    }

    private Uni<Optional<Written>> changeFollow(Statement change, long followerId, String username, WriteNotice notice) {
        return db.execute(change, Tuple.from(Arrays.asList(followerId, username, notice.channel(), notice.payload())))
                .map(rows -> Database.firstRow(rows).map(row -> new Written(Profile.from(row), row.getString("notice"))));
    }
}

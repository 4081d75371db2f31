package dev.ballast.profile;

import dev.ballast.facts.Facts;
import dev.ballast.profile.ProfileRepository.WriteResult;
import dev.ballast.failures.Invalid;
import dev.ballast.failures.NotFound;
import dev.ballast.viewer.ViewerFlags;
import dev.ballast.viewer.ViewerFlags.ShownIds;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * Profiles and follows. A profile is the view every reader shares (cached in {@link ProfileRepository}) with
 * the signed-in viewer's follow flag added. Following twice or unfollowing someone not followed changes
 * nothing and succeeds; following oneself is refused.
 */
@ApplicationScoped
class ProfileService {

    private final ProfileRepository profiles;
    private final ViewerFlags viewerFlags;
    private final Facts facts;

    ProfileService(ProfileRepository profiles, ViewerFlags viewerFlags, Facts facts) {
        this.profiles = profiles;
        this.viewerFlags = viewerFlags;
        this.facts = facts;
    }

    /** The profile seen by {@code viewerId} (null when anonymous); {@link NotFound} for an unknown username. */
    Uni<Profile> byUsername(String username, Long viewerId) {
        Uni<SharedProfile> shared = profiles.sharedByUsername(username);
        return viewerId == null ? shared.map(SharedProfile::unflagged)
                : shared.chain(profile -> viewerFlags.flagsFor(viewerId, () -> new ShownIds(List.of(), List.of(profile.userId()))).map(profile::seenBy));
    }

    Uni<Profile> follow(long followerId, String username) {
        return changeFollow(profiles::follow, followerId, username).invoke(followee -> {
            if (followee.userId() == followerId) {
                throw new Invalid("you cannot follow yourself");
            }
        }).map(ProfileRow::view);
    }

    Uni<Profile> unfollow(long followerId, String username) {
        return changeFollow(profiles::unfollow, followerId, username).map(ProfileRow::view);
    }

    private Uni<ProfileRow> changeFollow(FollowChange change, long followerId, String username) {
        return change.apply(followerId, username)
                .invoke(written -> written.ifPresent(done -> facts.committed(done.facts())))
                .map(written -> written.orElseThrow(() -> new NotFound("profile")).profile());
    }

    private interface FollowChange {
        Uni<Optional<WriteResult>> apply(long followerId, String username);
    }
}

package dev.ballast.profile;

import dev.ballast.cache.ReadCaches;
import dev.ballast.http.ApiException;
import dev.ballast.viewer.ViewerFlags;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Profiles and follows. A profile is the view every reader shares (cached in {@link ProfileRepository}) with
 * the signed-in viewer's follow flag added. Following twice or unfollowing someone not followed changes
 * nothing and succeeds; following oneself is refused.
 */
@ApplicationScoped
class ProfileService {

    private final ProfileRepository profiles;
    private final ViewerFlags viewerFlags;
    private final ReadCaches caches;

    ProfileService(ProfileRepository profiles, ViewerFlags viewerFlags, ReadCaches caches) {
        this.profiles = profiles;
        this.viewerFlags = viewerFlags;
        this.caches = caches;
    }

    /** The profile seen by {@code viewerId} (null when anonymous); 404 for an unknown username. */
    Uni<Profile> byUsername(String username, Long viewerId) {
        Uni<Profile> shared = ReadCaches.ownCopy(profiles.sharedByUsername(username));
        return viewerId == null ? shared
                : shared.chain(profile -> viewerFlags.among(viewerId, List.of(), List.of(profile.id())).map(profile::seenWith));
    }

    Uni<Profile> follow(long followerId, String username) {
        return ReadCaches.ownCopy(profiles.sharedByUsername(username)).chain(profile -> {
            if (profile.id() == followerId) {
                return Uni.createFrom().failure(ApiException.unprocessable("you cannot follow yourself"));
            }
            return profiles.follow(followerId, profile.id()).call(() -> caches.followsChanged(followerId))
                    .map(done -> profile.withFollowing(true));
        });
    }

    Uni<Profile> unfollow(long followerId, String username) {
        return ReadCaches.ownCopy(profiles.sharedByUsername(username)).chain(profile ->
                profiles.unfollow(followerId, profile.id()).call(() -> caches.followsChanged(followerId))
                        .map(done -> profile.withFollowing(false)));
    }
}

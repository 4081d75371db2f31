package dev.ballast.profile;

import dev.ballast.cache.HeapBytes;
import dev.ballast.http.EncodedJson;
import dev.ballast.viewer.ViewerFlags.Flags;

/**
 * A profile as every reader sees it, as the cache keeps it: its JSON up to the reader's own flag, encoded once
 * ({@link ProfileJson#writeSharedStart}), and the user's id, which tells the flag. The cache is emptied by
 * username, so it need not tell which user it shows.
 */
record SharedProfile(long userId, EncodedJson json) implements HeapBytes.Weighed {

    /** As a reader who does not follow the user sees it (an anonymous one). */
    Profile unflagged() {
        return new Profile(this, false);
    }

    /** As the reader with these flags sees it. */
    Profile seenBy(Flags flags) {
        return new Profile(this, flags.following(userId));
    }

    @Override
    public long heapBytes() {
        return HeapBytes.OBJECT + json.heapBytes();
    }
}

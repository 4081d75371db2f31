package dev.ballast.comment;

import dev.ballast.cache.HeapBytes;
import dev.ballast.cache.ShowsUsers;
import dev.ballast.http.EncodedJson;
import dev.ballast.viewer.ViewerFlags.Flags;

/**
 * A comment as every reader sees it, as the cache keeps it: its JSON up to the reader's own flag, encoded once
 * ({@link CommentJson#writeSharedStart}), and its author's id, which tells the flag and which changes empty it.
 */
record SharedComment(long id, long authorId, EncodedJson json) implements ShowsUsers, HeapBytes.Weighed {

    /** As a reader who does not follow its author sees it (an anonymous one). */
    Comment unflagged() {
        return new Comment(this, false);
    }

    /** As the reader with these flags sees it. */
    Comment seenBy(Flags flags) {
        return new Comment(this, flags.following(authorId));
    }

    @Override
    public boolean showsUser(long userId) {
        return authorId == userId;
    }

    @Override
    public long heapBytes() {
        return HeapBytes.OBJECT + json.heapBytes();
    }
}

package dev.ballast.article;

import dev.ballast.cache.HeapBytes;
import dev.ballast.cache.ShowsUsers;
import dev.ballast.http.EncodedJson;

/**
 * An article as every reader sees it, as the caches keep it: its JSON up to the reader's own flags, encoded once
 * ({@link ArticleJson#writeSharedStart}), and the ids that tell which flags apply to it and which changes empty it.
 * Its fields are held only inside that JSON, never a second time as strings.
 */
record SharedArticle(long id, String slug, long authorId, EncodedJson json) implements ShowsUsers, HeapBytes.Weighed {

    /** As a reader who has neither favorited it nor follows its author sees it (an anonymous one). */
    Article unflagged() {
        return new Article(this, false, false);
    }

    @Override
    public boolean showsUser(long userId) {
        return authorId == userId;
    }

    @Override
    public long heapBytes() {
        return HeapBytes.OBJECT + HeapBytes.string(slug) + json.heapBytes();
    }
}

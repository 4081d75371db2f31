package dev.ballast.facts;

/**
 * What a committed write did, as plain values in the words of the features: which article, comment, favorite,
 * follow or account changed, and nothing of who reads them. A write hands its facts to {@link Facts} once it has
 * committed.
 */
public sealed interface Fact {

    /** A new article by its author; {@code tagged}: it has tags. */
    record ArticleCreated(long authorId, String slug, boolean tagged) implements Fact {
    }

    /** Its author changed an article's title, description or body; {@code newSlug}: null unless the title changed. */
    record ArticleUpdated(long authorId, String slug, String newSlug) implements Fact {
    }

    /** Its author deleted an article, with its tags, favorites and comments. */
    record ArticleDeleted(long authorId, String slug) implements Fact {
    }

    /** An article came back from the archive, with its tags, favorites and comments. */
    record ArticleRestored(String slug) implements Fact {
    }

    /** Idle articles moved to the archive, with their tags, favorites and comments. */
    record ArticlesArchived() implements Fact {
    }

    /** A user favorited or unfavorited an article. */
    record FavoriteChanged(long articleId, String slug, long userId, String username) implements Fact {
    }

    /** A comment was added to an article. */
    record CommentAdded(String articleSlug) implements Fact {
    }

    /** A comment was deleted from an article. */
    record CommentDeleted(String articleSlug) implements Fact {
    }

    /** A user followed or unfollowed someone. */
    record FollowChanged(long followerId) implements Fact {
    }

    /** A user changed what others see of them: their name, bio or image. */
    record ProfileChanged(long userId, String usernameBefore, String username) implements Fact {
    }

    /** A user changed their password: the tokens issued before end. */
    record PasswordChanged(long userId) implements Fact {
    }
}

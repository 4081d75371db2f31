package dev.ballast.user;

import java.util.Objects;

/**
 * A user's row after an update, with what others could see of them before it, and whether a password was set
 * (any password counts as a change, even the same one: telling would cost a second hash).
 */
record UserUpdate(UserRow user, String usernameBefore, String bioBefore, String imageBefore, boolean passwordChanged) {

    /** Whether their name, bio or image changed: what their profile, articles and comments show of them. */
    boolean shownChanged() {
        return !Objects.equals(user.username(), usernameBefore) || !Objects.equals(user.bio(), bioBefore)
                || !Objects.equals(user.image(), imageBefore);
    }
}

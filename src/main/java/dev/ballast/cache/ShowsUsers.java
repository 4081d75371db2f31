package dev.ballast.cache;

/**
 * A cached view that can tell whether it shows a user (as author or profile), so that a change to what others see
 * of one user empties only such views. A cached list of such views shows a user when one of its items does.
 */
public interface ShowsUsers {

    boolean showsUser(long userId);
}

package dev.ballast.article;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which articles a list shows: any combination of a tag, an author, a user's favorites, and (for the feed)
 * the authors a user follows. Renders its own SQL conditions, with placeholders numbered from a given index.
 */
record ArticleFilter(String tag, String author, String favoritedBy, Long followerId) {

    /** One active condition: its name for metrics, its bound value, its SQL with {@code ?} for the placeholder. */
    private record Condition(String name, Object value, String sql) {
    }

    static ArticleFilter feedOf(long followerId) {
        return new ArticleFilter(null, null, null, followerId);
    }

    private List<Condition> conditions() {
        List<Condition> conditions = new ArrayList<>(4);
        if (tag != null) {
            conditions.add(new Condition("tag", tag, "a.id in (select at.article_id from article_tags at"
                    + " join tags t on t.id = at.tag_id where t.name = ?)"));
        }
        if (author != null) {
            conditions.add(new Condition("author", author, "a.author_id = (select id from users where username = ?)"));
        }
        if (favoritedBy != null) {
            conditions.add(new Condition("favorited", favoritedBy, "a.id in (select f.article_id from favorites f"
                    + " where f.user_id = (select id from users where username = ?))"));
        }
        if (followerId != null) {
            conditions.add(new Condition("feed", followerId,
                    "a.author_id in (select followee_id from follows where follower_id = ?)"));
        }
        return conditions;
    }

    /** The conditions' values, in placeholder order. */
    List<Object> values() {
        return conditions().stream().map(Condition::value).toList();
    }

    /** A WHERE clause (empty when nothing filters) whose first placeholder is {@code $firstIndex}. */
    String where(int firstIndex) {
        List<Condition> conditions = conditions();
        List<String> sql = new ArrayList<>(conditions.size());
        for (int i = 0; i < conditions.size(); i++) {
            sql.add(conditions.get(i).sql().replace("?", "$" + (firstIndex + i)));
        }
        return sql.isEmpty() ? "" : " where " + String.join(" and ", sql);
    }

    /** A short name for the statement metrics, e.g. {@code tag+author}, {@code feed} or {@code all}. */
    String shape() {
        String shape = conditions().stream().map(Condition::name).collect(Collectors.joining("+"));
        return shape.isEmpty() ? "all" : shape;
    }
}

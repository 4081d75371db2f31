package dev.ballast.article;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which articles a list shows: any combination of a tag, an author, a user's favorites, and (for the feed)
 * the authors a user follows. Renders its own SQL, with placeholders numbered from a given index.
 *
 * <p>A list needs the ids of one page and how many match. With no filter or one filter (every filter the
 * RealWorld spec has) both cost the same at any table size: the ids come in list order from one index
 * (index-only: each source carries {@code created_at}), and the count is a counter kept by triggers (V8),
 * except a user's favorites, counted from their own index entries (V18: no counter for each favorite to keep;
 * it grows with that user's favorites only). The feed's count sums the counters of the authors one follows:
 * it grows with one's follows, not with the articles. Filters combined (not in the spec) select from articles
 * and count the matching rows.
 */
record ArticleFilter(String tag, String author, String favoritedBy, Long followerId) {

    /**
     * One active condition: its name for metrics, its bound value, and its SQL with {@code ?} for the
     * placeholder: as a condition on articles {@code a}, as the source of a page's (id, created_at) when it
     * filters alone, and as the statement reading its counter.
     */
    private record Condition(String name, Object value, String where, String ids, String count) {
    }

    private static final String ALL_IDS = "select a.id, a.created_at from articles a";
    private static final String ALL_COUNT = "select live_count from article_totals";

    static ArticleFilter feedOf(long followerId) {
        return new ArticleFilter(null, null, null, followerId);
    }

    private List<Condition> conditions() {
        List<Condition> conditions = new ArrayList<>(4);
        if (tag != null) {
            conditions.add(new Condition("tag", tag,
                    "a.id in (select at.article_id from article_tags at join tags t on t.id = at.tag_id where t.name = ?)",
                    "select at.article_id as id, at.article_created_at as created_at from article_tags at"
                            + " where at.tag_id = (select id from tags where name = ?)",
                    "select coalesce((select articles_count from tags where name = ?), 0)"));
        }
        if (author != null) {
            conditions.add(new Condition("author", author,
                    "a.author_id = (select id from users where username = ?)",
                    ALL_IDS + " where a.author_id = (select id from users where username = ?)",
                    "select coalesce((select articles_count from users where username = ?), 0)"));
        }
        if (favoritedBy != null) {
            conditions.add(new Condition("favorited", favoritedBy,
                    "a.id in (select f.article_id from favorites f where f.user_id = (select id from users where username = ?))",
                    "select f.article_id as id, f.article_created_at as created_at from favorites f"
                            + " where f.user_id = (select id from users where username = ?)",
                    // an index-only count of the user's favorites (not kept on write: V18); cached with the page
                    "select count(*) from favorites f where f.user_id = (select id from users where username = ?)"));
        }
        if (followerId != null) {
            conditions.add(new Condition("feed", followerId,
                    "a.author_id in (select followee_id from follows where follower_id = ?)",
                    // The newest {depth} (limit + offset) of each followed author, merged: at most follows x depth
                    // index entries, and never more than the followed authors' articles.
                    "select a.id, a.created_at from follows fo cross join lateral (select a.id, a.created_at"
                            + " from articles a where a.author_id = fo.followee_id order by a.created_at desc, a.id desc"
                            + " limit {depth}) a where fo.follower_id = ?",
                    // one primary-key lookup per followed author, whatever the size of users
                    "select coalesce(sum((select u.articles_count from users u where u.id = fo.followee_id)), 0)"
                            + " from follows fo where fo.follower_id = ?"));
        }
        return conditions;
    }

    /** The conditions' values, in placeholder order. */
    List<Object> values() {
        return conditions().stream().map(Condition::value).toList();
    }

    /**
     * A statement returning the matching (id, created_at), without order or limit, whose first placeholder is
     * {@code $firstIndex}; {@code depth} is the SQL of how many the page reaches down to (limit + offset).
     */
    String ids(int firstIndex, String depth) {
        List<Condition> conditions = conditions();
        return switch (conditions.size()) {
            case 0 -> ALL_IDS;
            case 1 -> numbered(conditions.get(0).ids(), firstIndex).replace("{depth}", depth);
            default -> ALL_IDS + where(firstIndex);
        };
    }

    /** A statement returning how many articles match, whose first placeholder is {@code $firstIndex}. */
    String count(int firstIndex) {
        List<Condition> conditions = conditions();
        return switch (conditions.size()) {
            case 0 -> ALL_COUNT;
            case 1 -> numbered(conditions.get(0).count(), firstIndex);
            default -> "select count(*) from articles a" + where(firstIndex);
        };
    }

    /** A WHERE clause on articles {@code a} (empty when nothing filters) whose first placeholder is {@code $firstIndex}. */
    String where(int firstIndex) {
        List<Condition> conditions = conditions();
        List<String> sql = new ArrayList<>(conditions.size());
        for (int i = 0; i < conditions.size(); i++) {
            sql.add(numbered(conditions.get(i).where(), firstIndex + i));
        }
        return sql.isEmpty() ? "" : " where " + String.join(" and ", sql);
    }

    /** A short name for the statement metrics, e.g. {@code tag+author}, {@code feed} or {@code all}. */
    String shape() {
        String shape = conditions().stream().map(Condition::name).collect(Collectors.joining("+"));
        return shape.isEmpty() ? "all" : shape;
    }

    private static String numbered(String sql, int index) {
        return sql.replace("?", "$" + index);
    }
}

package dev.ballast.article;

import dev.ballast.article.ArticleRequests.NewArticle;
import dev.ballast.cache.HeapBytes;
import dev.ballast.cache.NamedKey;
import dev.ballast.cache.ReadCaches;
import dev.ballast.cache.ViewCache;
import dev.ballast.cache.ViewCaches;
import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import dev.ballast.facts.Fact;
import dev.ballast.facts.Fact.ArticleCreated;
import dev.ballast.facts.Fact.ArticleDeleted;
import dev.ballast.facts.Fact.ArticleUpdated;
import dev.ballast.facts.Fact.FavoriteChanged;
import dev.ballast.failures.NotFound;
import dev.ballast.http.Page;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The SQL of articles, their tags and favorites. One article or one page of them is read in a single
 * statement that joins the author and the tags: never a query per article. Views every reader shares are
 * cached here; the feed's own statement, read when its shared parts cannot tell a page ({@link Feed}), computes
 * the viewer's flags with the page.
 */
@ApplicationScoped
class ArticleRepository {

    private static final String FAVORITED_BY_VIEWER = "exists(select 1 from favorites f where f.article_id = a.id and f.user_id = $1)";
    private static final String AUTHOR_FOLLOWED_BY_VIEWER = "exists(select 1 from follows fo where fo.follower_id = $1 and fo.followee_id = a.author_id)";

    /** Live or archived (V22's views): an archived article's page answers like any other. */
    static final Statement BY_SLUG = Statement.read("article.bySlug", """
            select a.id as article_id, a.slug, a.title, a.description, a.body, a.created_at, a.updated_at,
                   a.favorites_count, u.id as user_id, u.username, u.bio, u.image,
                   array(select t.name from all_article_tags at join tags t on t.id = at.tag_id
                         where at.article_id = a.id order by at.position, t.name) as tag_list,
                   false as favorited, false as following
            from all_articles a join users u on u.id = a.author_id
            where a.slug = $1""");

    // Each write below is one statement on the live article, and returns the view the API answers with and what
    // it changed; it finds no article when the slug is unknown or archived (ArticleService brings an archived
    // one back when the write may change it). Common parameters: the slug $1, the caller $2.

    /**
     * The view a write answers with, from the CTE {@code answer} (an article's columns as the write left them,
     * and whether the caller $2 has favorited it): the author, the caller's follow of them, and the tags.
     */
    private static final String ANSWER = """
            select an.id as article_id, an.slug, an.title, an.description, an.body, an.created_at, an.updated_at,
                   an.favorites_count, u.id as user_id, u.username, u.bio, u.image,
                   array(select t.name from article_tags at join tags t on t.id = at.tag_id
                         where at.article_id = an.id order by at.position, t.name) as tag_list,
                   an.favorited,
                   exists(select 1 from follows fo where fo.follower_id = $2 and fo.followee_id = an.author_id) as following
            from answer an join users u on u.id = an.author_id""";

    /**
     * A new article with its tags: nothing when the slug $1 is taken, live or archived. Tags are inserted in
     * name order ($6), so that two statements adding the same new tags lock them in the same order; a tag
     * another statement is creating is waited for, then reused (updated to itself, which returns its row
     * although this statement began before it existed). They are linked in the order the author gave them
     * ($7), which readers get back.
     */
    private static final Statement CREATE = Statement.write("article.create", """
            with inserted as (
                insert into articles (slug, title, description, body, author_id)
                select $1, $3, $4, $5, $2 where not exists (select 1 from all_articles where slug = $1)
                on conflict (slug) do nothing
                returning id, slug, title, description, body, author_id, created_at, updated_at),
            tagged as (
                insert into tags (name)
                select name from unnest($6::text[]) as name where exists (select 1 from inserted) order by name
                on conflict (name) do update set name = excluded.name
                returning id, name),
            linked as (
                insert into article_tags (article_id, tag_id, position, article_created_at)
                select i.id, t.id, given.position - 1, i.created_at
                from inserted i cross join unnest($7::text[]) with ordinality as given (name, position)
                join tagged t on t.name = given.name)
            select i.id as article_id, i.slug, i.title, i.description, i.body, i.created_at, i.updated_at,
                   0 as favorites_count, u.id as user_id, u.username, u.bio, u.image, $7::text[] as tag_list,
                   false as favorited, false as following
            from inserted i join users u on u.id = i.author_id""");

    /**
     * Changes the fields given ($3 slug, $4 title, $5 description, $6 body; null: unchanged) of the caller's
     * own article. A new slug that is taken, live or archived (V13's trigger), fails as a unique violation.
     */
    private static final Statement UPDATE = Statement.write("article.update", """
            with target as (select id, author_id from articles where slug = $1),
            allowed as (select id from target where author_id = $2),
            updated as (
                update articles set slug = coalesce($3, slug), title = coalesce($4, title),
                                    description = coalesce($5, description), body = coalesce($6, body), updated_at = now()
                where id in (select id from allowed)
                returning id, slug, title, description, body, author_id, favorites_count, created_at, updated_at),
            answer as (
                select u.*, exists(select 1 from favorites f where f.article_id = u.id and f.user_id = $2) as favorited
                from updated u)
            select exists(select 1 from target) as found, exists(select 1 from allowed) as allowed, v.*
            from (select 1) one
            left join (""" + ANSWER + ") v on true");

    /** Deletes the caller's own article (its tag links, favorites and comments cascade). */
    private static final Statement DELETE = Statement.write("article.delete", """
            with target as (select id, author_id from articles where slug = $1),
            allowed as (select id from target where author_id = $2),
            deleted as (delete from articles where id in (select id from allowed) returning id)
            select exists(select 1 from target) as found, exists(select 1 from allowed) as allowed,
                   exists(select 1 from deleted) as deleted""");

    /**
     * The caller's favorite ({@code %s}: the CTE {@code changed}, the favorite inserted or deleted; then the change of
     * the count, and whether the caller has favorited the article after it), and the caller's name (the lists of their
     * favorites are known by it). The article's row is locked first ({@code for no key update}): a favorite takes the
     * article before any of its favorites, so two of them never hold a favorite each and wait for the other's article
     * (a deadlock, which Postgres breaks only after {@code deadlock_timeout}, holding up every write of the article
     * meanwhile). A write that waited for the lock sees the article as the write before it left it.
     */
    private static final String FAVORITE_CHANGE = """
            with target as (
                select id, slug, title, description, body, author_id, favorites_count, created_at, updated_at
                from articles where slug = $1 for no key update),
            %s,
            counted as (
                update articles set favorites_count = favorites_count %s 1 where id in (select article_id from changed)
                returning favorites_count),
            answer as (
                select t.id, t.slug, t.title, t.description, t.body, t.author_id,
                       coalesce((select favorites_count from counted), t.favorites_count) as favorites_count,
                       t.created_at, t.updated_at, %s as favorited
                from target t)
            select exists(select 1 from changed) as changed, (select username from users where id = $2) as favoriter, v.*
            from (""" + ANSWER + ") v";

    /** The caller's favorite, when new (a repeat changes nothing). */
    static final Statement FAVORITE = Statement.batchedWrite("article.favorite", FAVORITE_CHANGE.formatted("""
            changed as (
                insert into favorites (user_id, article_id, article_created_at)
                select $2, id, created_at from target
                on conflict do nothing returning article_id)""", "+", true));

    /** Removes the caller's favorite, if any. */
    static final Statement UNFAVORITE = Statement.batchedWrite("article.unfavorite", FAVORITE_CHANGE.formatted("""
            changed as (
                delete from favorites where user_id = $2 and article_id in (select id from target)
                returning article_id)""", "-", false));

    private final Database db;
    private final ViewCache<String, SharedArticle> articles;
    private final ViewCache<ListKey, ArticlesResponse> lists;

    ArticleRepository(Database db, ViewCaches caches) {
        this.db = db;
        this.articles = caches.named(ReadCaches.ARTICLE);
        this.lists = caches.named(ReadCaches.ARTICLE_LISTS);
    }

    /**
     * The columns of an article in a list (no body), from articles {@code a} joined to their author {@code u};
     * with the flags of the viewer {@code $1} or, for the view every reader shares, false.
     */
    static String listView(boolean forViewer) {
        return """
                select a.id as article_id, a.slug, a.title, a.description, null::text as body, a.created_at, a.updated_at,
                       a.favorites_count, u.id as user_id, u.username, u.bio, u.image,
                       array(select t.name from article_tags at join tags t on t.id = at.tag_id
                             where at.article_id = a.id order by at.position, t.name) as tag_list,
                       %s as favorited, %s as following
                from articles a join users u on u.id = a.author_id""".formatted(
                forViewer ? FAVORITED_BY_VIEWER : "false", forViewer ? AUTHOR_FOLLOWED_BY_VIEWER : "false");
    }

    /** One article as every reader sees it before their own flags; cached. {@link NotFound} when the slug is unknown. */
    Uni<SharedArticle> sharedBySlug(String slug) {
        return articles.get(slug, this::loadBySlug);
    }

    private Uni<SharedArticle> loadBySlug(String slug) {
        return db.execute(BY_SLUG, Tuple.of(slug))
                .map(rows -> ArticleRow.from(Database.firstRow(rows).orElseThrow(() -> new NotFound("article"))).shared());
    }

    /** A page of a filter's articles as every reader sees it before their own flags; cached. */
    Uni<ArticlesResponse> sharedList(String tag, String author, String favoritedBy, int limit, int offset) {
        return lists.get(new ListKey(tag, author, favoritedBy, limit, offset), key -> page(
                new ArticleFilter(key.tag(), key.author(), key.favoritedBy(), null), null, new Page(key.limit(), key.offset())));
    }

    /** A cached list page's key: its filter and page. It names the author and the favoriter it filters by. */
    record ListKey(String tag, String author, String favoritedBy, int limit, int offset) implements NamedKey, HeapBytes.Weighed {

        @Override
        public boolean names(String value) {
            return value.equals(tag) || value.equals(author) || value.equals(favoritedBy);
        }

        @Override
        public long heapBytes() {
            return HeapBytes.OBJECT + HeapBytes.string(tag) + HeapBytes.string(author) + HeapBytes.string(favoritedBy);
        }
    }

    /**
     * A page of the articles of the authors {@code viewerId} follows, with the viewer's flags: one statement, for
     * what {@link Feed} cannot build from shared parts.
     */
    Uni<ArticlesResponse> feed(long viewerId, Page page) {
        return page(ArticleFilter.feedOf(viewerId), viewerId, page);
    }

    /**
     * A page of matching articles, newest first, and how many match in all, in one statement. The page's ids
     * are chosen first from the filter's index (see {@link ArticleFilter}); only those rows are then joined,
     * so a deep offset skips index entries, not whole rows.
     */
    private Uni<ArticlesResponse> page(ArticleFilter filter, Long viewerId, Page page) {
        List<Object> arguments = new ArrayList<>(filter.values().size() + 3);
        if (viewerId != null) {
            arguments.add(viewerId);
        }
        arguments.addAll(filter.values());
        arguments.add(page.limit());
        arguments.add(page.offset());
        return db.execute(listStatement(filter, viewerId != null), Tuple.from(arguments)).map(rows -> {
            List<Article> articles = new ArrayList<>(rows.size());
            long count = 0;
            for (Row row : rows) {
                count = row.getLong("articles_count");
                if (row.getValue("article_id") != null) {
                    articles.add(ArticleRow.from(row).view());
                }
            }
            return new ArticlesResponse(articles, count);
        });
    }

    /**
     * A page of the filter's articles and their count (on every row; one row with no article when the page is
     * empty). Placeholders: the viewer {@code $1} when {@code forViewer}, then the filter's values, then limit
     * and offset.
     */
    static Statement listStatement(ArticleFilter filter, boolean forViewer) {
        int first = forViewer ? 2 : 1;
        int limitIndex = first + filter.values().size();
        String depth = "$" + limitIndex + "::bigint + $" + (limitIndex + 1) + "::bigint";
        return Statement.read("article.list." + filter.shape(), "with page as (" + filter.ids(first, depth)
                + " order by created_at desc, id desc limit $" + limitIndex + " offset $" + (limitIndex + 1) + ")"
                + " select c.articles_count, v.* from (select (" + filter.count(first) + ") as articles_count) c"
                + " left join (" + listView(forViewer) + " join page p on p.id = a.id) v on true"
                + " order by v.created_at desc, v.article_id desc");
    }

    /** Creates an article with the slug $1: empty when the slug is taken. */
    Uni<Optional<WriteResult>> create(String slug, long authorId, NewArticle article) {
        Set<String> tags = article.tags();
        return db.execute(CREATE, tuple(slug, authorId, article.title().trim(), article.description(), article.body(),
                        new TreeSet<>(tags).toArray(String[]::new), tags.toArray(String[]::new)))
                .map(rows -> Database.firstRow(rows).map(row -> new WriteResult(Outcome.DONE, ArticleRow.from(row).view(),
                        List.of(new ArticleCreated(authorId, slug, !tags.isEmpty())))));
    }

    /** Changes the given fields (null: unchanged) of the caller's own article; a new title comes with its new slug. */
    Uni<WriteResult> update(String slug, long userId, String newSlug, String title, String description, String body) {
        return db.execute(UPDATE, tuple(slug, userId, newSlug, title, description, body))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    Outcome outcome = outcome(row);
                    if (outcome == Outcome.DONE && row.getValue("article_id") == null) {
                        outcome = Outcome.NOT_LIVE; // deleted meanwhile
                    }
                    return outcome != Outcome.DONE ? new WriteResult(outcome, null, List.of())
                            : new WriteResult(outcome, ArticleRow.from(row).view(), List.of(new ArticleUpdated(userId, slug, newSlug)));
                });
    }

    /** Deletes the caller's own article. */
    Uni<WriteResult> delete(String slug, long userId) {
        return db.execute(DELETE, tuple(slug, userId))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new WriteResult(outcome(row), null,
                            row.getBoolean("deleted") ? List.of(new ArticleDeleted(userId, slug)) : List.of());
                });
    }

    /** Favorites the article for the caller (again: no change). */
    Uni<WriteResult> favorite(String slug, long userId) {
        return changeFavorite(FAVORITE, slug, userId);
    }

    Uni<WriteResult> unfavorite(String slug, long userId) {
        return changeFavorite(UNFAVORITE, slug, userId);
    }

    private Uni<WriteResult> changeFavorite(Statement change, String slug, long userId) {
        return db.execute(change, tuple(slug, userId))
                .map(rows -> Database.firstRow(rows)
                        .map(row -> new WriteResult(Outcome.DONE, ArticleRow.from(row).view(), row.getBoolean("changed")
                                ? List.of(new FavoriteChanged(row.getLong("article_id"), slug, userId, row.getString("favoriter")))
                                : List.of()))
                        .orElseGet(() -> new WriteResult(Outcome.NOT_LIVE, null, List.of())));
    }

    /** What a write did, the article it answers with (when done and it has one), and what it changed. */
    record WriteResult(Outcome outcome, Article article, List<Fact> facts) {
    }

    enum Outcome {
        DONE,
        /** No live article of that slug: unknown, or archived. */
        NOT_LIVE,
        /** Another user's article. */
        FORBIDDEN
    }

    /** Whether a live article was found and the caller may write it. */
    private static Outcome outcome(Row row) {
        if (!row.getBoolean("found")) {
            return Outcome.NOT_LIVE;
        }
        return row.getBoolean("allowed") ? Outcome.DONE : Outcome.FORBIDDEN;
    }

    /** Arguments, some of which may be null. */
    private static Tuple tuple(Object... arguments) {
        return Tuple.from(Arrays.asList(arguments));
    }
}

package dev.ballast.article;

import dev.ballast.article.ArticleRequests.NewArticle;
import dev.ballast.cache.ReadCaches;
import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import dev.ballast.http.ApiException;
import dev.ballast.http.Page;
import io.quarkus.cache.CacheResult;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The SQL of articles, their tags and favorites. One article or one page of them is read in a single
 * statement that joins the author and the tags: never a query per article. Views every reader shares are
 * cached here; the feed, whose very articles are personal, computes the viewer's flags with the page.
 */
@ApplicationScoped
class ArticleRepository {

    private static final String FAVORITED_BY_VIEWER = "exists(select 1 from favorites f where f.article_id = a.id and f.user_id = $1)";
    private static final String AUTHOR_FOLLOWED_BY_VIEWER = "exists(select 1 from follows fo where fo.follower_id = $1 and fo.followee_id = a.author_id)";

    static final Statement BY_SLUG = Statement.read("article.bySlug", view("a.body", false) + " where a.slug = $1");
    /**
     * The same from the archive tables (V13), read only when the slug is not live: reading a live article costs
     * what it did before archiving, and an archived article's page answers like any other.
     */
    private static final Statement ARCHIVED_BY_SLUG = Statement.read("article.archivedBySlug", BY_SLUG.sql()
            .replace("from articles a", "from archived_articles a").replace("from article_tags at", "from archived_article_tags at"));
    private static final Statement OWNER = Statement.read("article.owner",
            "select id, author_id from articles where slug = $1");
    private static final Statement INSERT = Statement.write("article.insert", """
            insert into articles (slug, title, description, body, author_id)
            select $1, $2, $3, $4, $5 where not exists (select 1 from archived_articles where slug = $1)
            on conflict (slug) do nothing returning id""");
    private static final Statement INSERT_TAGS = Statement.write("article.insertTags",
            "insert into tags (name) select unnest($1::text[]) on conflict (name) do nothing");
    private static final Statement LINK_TAGS = Statement.write("article.linkTags", """
            insert into article_tags (article_id, tag_id, position)
            select $1, t.id, given.position - 1 from unnest($2::text[]) with ordinality as given (name, position)
            join tags t on t.name = given.name""");
    private static final Statement UPDATE = Statement.write("article.update", """
            update articles set slug = coalesce($2, slug), title = coalesce($3, title),
                                description = coalesce($4, description), body = coalesce($5, body), updated_at = now()
            where id = $1 returning slug""");
    private static final Statement DELETE = Statement.write("article.delete", "delete from articles where id = $1");
    /** A row (the article's id and the user's name) only when the favorite is new: a repeat changes nothing. */
    private static final Statement FAVORITE = Statement.write("article.favorite", """
            with added as (
                insert into favorites (user_id, article_id) select $1, id from articles where slug = $2
                on conflict do nothing returning article_id),
            counted as (update articles set favorites_count = favorites_count + 1 where id in (select article_id from added) returning id)
            select c.id as article_id, (select username from users where id = $1) as username from counted c""");
    /** A row only when there was a favorite to remove. */
    private static final Statement UNFAVORITE = Statement.write("article.unfavorite", """
            with removed as (
                delete from favorites where user_id = $1 and article_id = (select id from articles where slug = $2)
                returning article_id),
            counted as (update articles set favorites_count = favorites_count - 1 where id in (select article_id from removed) returning id)
            select c.id as article_id, (select username from users where id = $1) as username from counted c""");

    private final Database db;

    ArticleRepository(Database db) {
        this.db = db;
    }

    /**
     * The columns of an article view, from articles {@code a} joined to their author {@code u}; with the flags
     * of the viewer {@code $1} or, for the view every reader shares, false.
     */
    private static String view(String body, boolean forViewer) {
        return """
                select a.id as article_id, a.slug, a.title, a.description, %s as body, a.created_at, a.updated_at,
                       a.favorites_count, u.id as user_id, u.username, u.bio, u.image,
                       array(select t.name from article_tags at join tags t on t.id = at.tag_id
                             where at.article_id = a.id order by at.position, t.name) as tag_list,
                       %s as favorited, %s as following
                from articles a join users u on u.id = a.author_id""".formatted(body,
                forViewer ? FAVORITED_BY_VIEWER : "false", forViewer ? AUTHOR_FOLLOWED_BY_VIEWER : "false");
    }

    /** One article as every reader sees it before their own flags; cached. 404 when the slug is unknown. */
    @CacheResult(cacheName = ReadCaches.ARTICLE)
    Uni<Article> sharedBySlug(String slug) {
        Tuple arguments = Tuple.of(slug);
        return db.execute(BY_SLUG, arguments)
                .chain(rows -> rows.size() > 0 ? Uni.createFrom().item(rows) : db.execute(ARCHIVED_BY_SLUG, arguments))
                .map(rows -> Article.from(Database.firstRow(rows).orElseThrow(() -> ApiException.notFound("article"))));
    }

    /** A page of a filter's articles as every reader sees it before their own flags; cached. */
    @CacheResult(cacheName = ReadCaches.ARTICLE_LISTS)
    Uni<ArticlesResponse> sharedList(String tag, String author, String favoritedBy, int limit, int offset) {
        return page(new ArticleFilter(tag, author, favoritedBy, null), null, new Page(limit, offset));
    }

    /** A page of the articles of the authors {@code viewerId} follows, with the viewer's flags: one statement. */
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
                    articles.add(Article.from(row));
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
                + " left join (" + view("null::text", forViewer) + " join page p on p.id = a.id) v on true"
                + " order by v.created_at desc, v.article_id desc");
    }

    /** Inserts the article with its tags in one transaction; null when the slug is taken (live or archived). */
    Uni<Long> insert(String slug, long authorId, NewArticle article) {
        Set<String> tags = article.tags();
        return db.inTransaction(tx -> db.execute(tx, INSERT,
                        Tuple.of(slug, article.title().trim(), article.description(), article.body(), authorId))
                .chain(rows -> {
                    Optional<Row> inserted = Database.firstRow(rows);
                    if (inserted.isEmpty()) {
                        return Uni.createFrom().nullItem();
                    }
                    long articleId = inserted.get().getLong("id");
                    return tags.isEmpty() ? Uni.createFrom().item(articleId) : linkTags(tx, articleId, tags).replaceWith(articleId);
                }));
    }

    /** Changes the given fields (null: unchanged); returns the slug, or null when the article is gone. */
    Uni<String> update(long articleId, String slug, String title, String description, String body) {
        return db.execute(UPDATE, Tuple.of(articleId, slug, title, description, body))
                .map(rows -> Database.firstRow(rows).map(row -> row.getString("slug")).orElse(null));
    }

    Uni<Void> delete(long articleId) {
        return db.execute(DELETE, Tuple.of(articleId)).replaceWithVoid();
    }

    /** The article and the user's name when the favorite is new; empty when it changed nothing. */
    Uni<Optional<Row>> favorite(String slug, long userId) {
        return db.execute(FAVORITE, Tuple.of(userId, slug)).map(Database::firstRow);
    }

    /** The article and the user's name when there was a favorite to remove; empty otherwise. */
    Uni<Optional<Row>> unfavorite(String slug, long userId) {
        return db.execute(UNFAVORITE, Tuple.of(userId, slug)).map(Database::firstRow);
    }

    /** The article's id and author; empty when the slug is not live. */
    Uni<Optional<Row>> owner(String slug) {
        return db.execute(OWNER, Tuple.of(slug)).map(Database::firstRow);
    }

    /**
     * Tags are inserted in name order, so that two transactions adding the same new tags lock them in the same
     * order; a tag another transaction is creating is waited for, then reused. They are linked in the order the
     * author gave them, which readers get back.
     */
    private Uni<RowSet<Row>> linkTags(SqlConnection tx, long articleId, Set<String> tags) {
        String[] inNameOrder = new TreeSet<>(tags).toArray(String[]::new);
        String[] asGiven = tags.toArray(String[]::new);
        return db.execute(tx, INSERT_TAGS, Tuple.of(inNameOrder))
                .chain(() -> db.execute(tx, LINK_TAGS, Tuple.of(articleId, asGiven)));
    }
}

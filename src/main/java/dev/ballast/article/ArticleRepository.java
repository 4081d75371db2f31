package dev.ballast.article;

import dev.ballast.archive.ArchiveRepository;
import dev.ballast.article.ArticleRequests.NewArticle;
import dev.ballast.article.ArticleRequests.UpdateArticle;
import dev.ballast.cache.ReadCaches;
import dev.ballast.db.Database;
import dev.ballast.db.Statement;
import dev.ballast.http.ApiException;
import dev.ballast.http.Page;
import dev.ballast.viewer.ViewerFlags;
import io.quarkus.cache.CacheResult;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The SQL of articles, their tags and favorites. One article or one page of them is read in a single
 * statement that joins the author and the tags: never a query per article. Views every reader shares are
 * cached; a signed-in viewer gets them with their own flags added ({@link ViewerFlags}), except in the feed,
 * whose very articles are personal: its one statement computes the flags with the page.
 */
@ApplicationScoped
class ArticleRepository {

    /** Attempts at a free slug: the plain one, then with random suffixes. */
    private static final int SLUG_ATTEMPTS = 6;

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
    private final ReadCaches caches;
    private final ArchiveRepository archive;
    private final ViewerFlags viewerFlags;

    ArticleRepository(Database db, ReadCaches caches, ArchiveRepository archive, ViewerFlags viewerFlags) {
        this.db = db;
        this.caches = caches;
        this.archive = archive;
        this.viewerFlags = viewerFlags;
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

    /** One article seen by {@code viewerId} (null when anonymous); 404 when the slug is unknown. */
    Uni<Article> bySlug(String slug, Long viewerId) {
        return ReadCaches.detachedFromCancellation(sharedBySlug(slug)).chain(article -> viewerId == null
                ? Uni.createFrom().item(article)
                : viewerFlags.among(viewerId, List.of(article.id()), List.of(article.author().id())).map(article::seenWith));
    }

    /** A page of the articles matching tag, author and favoritedBy (each may be null), seen by {@code viewerId}. */
    Uni<ArticlesResponse> list(String tag, String author, String favoritedBy, Page page, Long viewerId) {
        Uni<ArticlesResponse> shared = ReadCaches.detachedFromCancellation(sharedList(tag, author, favoritedBy, page.limit(), page.offset()));
        return viewerId == null ? shared : shared.chain(list -> {
            Set<Long> articleIds = new HashSet<>();
            Set<Long> authorIds = new HashSet<>();
            list.articles().forEach(article -> {
                articleIds.add(article.id());
                authorIds.add(article.author().id());
            });
            return viewerFlags.among(viewerId, articleIds, authorIds).map(flags -> new ArticlesResponse(
                    list.articles().stream().map(article -> article.seenWith(flags)).toList(), list.articlesCount()));
        });
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

    /** Creates the article with its tags in one transaction and returns its slug. */
    Uni<String> create(long authorId, NewArticle article) {
        String base = Slugs.base(article.title());
        Set<String> tags = article.tags();
        return withFreeSlug(base, 0, slug -> db.inTransaction(tx -> db.execute(tx, INSERT,
                        Tuple.of(slug, article.title().trim(), article.description(), article.body(), authorId))
                .chain(rows -> {
                    Optional<Row> inserted = Database.firstRow(rows);
                    if (inserted.isEmpty()) {
                        return Uni.createFrom().nullItem(); // slug taken: try the next candidate
                    }
                    long articleId = inserted.get().getLong("id");
                    return tags.isEmpty() ? Uni.createFrom().item(slug) : linkTags(tx, articleId, tags).replaceWith(slug);
                })))
                .call(slug -> caches.articleChanged(slug));
    }

    // Every write to an article first brings it back from the archive if it is there (V13): the write then
    // acts on it as on any live article, and the restore counts as activity.

    /** Changes the given fields of the caller's own article; a new title gives a new slug. Returns the slug. */
    Uni<String> update(String slug, long userId, UpdateArticle change) {
        return archive.restore(slug).chain(() -> owned(slug, userId)).<String>chain(articleId -> {
            if (change.title() == null) {
                return db.execute(UPDATE, Tuple.of(articleId, null, null, change.description(), change.body()))
                        .map(ArticleRepository::updatedSlug);
            }
            String title = change.title().trim();
            String base = Slugs.base(title);
            return withFreeSlug(base, 0, candidate -> db.execute(UPDATE,
                            Tuple.of(articleId, candidate, title, change.description(), change.body()))
                    .map(ArticleRepository::updatedSlug)
                    .onFailure(failure -> Database.isUniqueViolation(failure, "articles_slug_key"))
                    .recoverWithNull());
        }).call(newSlug -> caches.articleChanged(slug, newSlug));
    }

    /** Deletes the caller's own article (its tags links, favorites and comments go with it). */
    Uni<Void> delete(String slug, long userId) {
        return archive.restore(slug).chain(() -> owned(slug, userId))
                .chain(articleId -> db.execute(DELETE, Tuple.of(articleId)))
                .chain(() -> caches.articleChanged(slug));
    }

    /** Favorites an article (again: no change); 404 when the slug is unknown. */
    Uni<Article> favorite(String slug, long userId) {
        return changeFavorite(FAVORITE, slug, userId);
    }

    Uni<Article> unfavorite(String slug, long userId) {
        return changeFavorite(UNFAVORITE, slug, userId);
    }

    private Uni<Article> changeFavorite(Statement change, String slug, long userId) {
        return archive.restore(slug).chain(() -> db.execute(change, Tuple.of(userId, slug)))
                .call(rows -> Database.firstRow(rows)
                        .map(row -> caches.favoritesChanged(slug, row.getLong("article_id"), userId, row.getString("username")))
                        .orElseGet(() -> Uni.createFrom().voidItem()))
                .chain(() -> bySlug(slug, userId));
    }

    /** The id of the article when the user wrote it; 404 when unknown, 403 when someone else's. */
    Uni<Long> owned(String slug, long userId) {
        return db.execute(OWNER, Tuple.of(slug)).map(rows -> {
            Row row = Database.firstRow(rows).orElseThrow(() -> ApiException.notFound("article"));
            if (row.getLong("author_id") != userId) {
                throw ApiException.forbidden("only the author may change this article");
            }
            return row.getLong("id");
        });
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

    /** Runs {@code attempt} with slug candidates until one is free (the attempt answers null when it is taken). */
    private static Uni<String> withFreeSlug(String base, int attemptNumber, Function<String, Uni<String>> attempt) {
        if (attemptNumber == SLUG_ATTEMPTS) {
            return Uni.createFrom().failure(ApiException.unprocessable("could not find a free slug for this title"));
        }
        return attempt.apply(Slugs.candidate(base, attemptNumber)).chain(slug -> slug != null
                ? Uni.createFrom().item(slug)
                : withFreeSlug(base, attemptNumber + 1, attempt));
    }

    /** The slug the update returned; 404 if the article was deleted in the meantime. */
    private static String updatedSlug(RowSet<Row> rows) {
        return Database.firstRow(rows).orElseThrow(() -> ApiException.notFound("article")).getString("slug");
    }
}

package dev.ballast.article;

import dev.ballast.http.Limits;
import dev.ballast.http.Validation;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request bodies of the article endpoints and the rules they must satisfy. */
public final class ArticleRequests {

    private ArticleRequests() {
    }

    public record NewArticle(@Schema(example = "How to train your dragon") String title, @Schema(example = "Ever wonder how?") String description,
                             @Schema(example = "You have to believe") String body,
                             @Schema(example = "[\"dragons\", \"training\"]", description = "kept in this order") List<String> tagList) {
        void validate(Limits limits) {
            Validation validation = new Validation()
                    .required("title", title, limits.titleMax())
                    .required("description", description, limits.descriptionMax())
                    .required("body", body, limits.bodyMax());
            if (tagList != null) {
                validation.check(tagList.size() <= limits.tagsPerArticleMax(),
                        "tagList has too many tags (maximum is " + limits.tagsPerArticleMax() + ")");
                for (String tag : tagList) {
                    validation.required("tag", tag, limits.tagMax());
                }
            }
            validation.orFail();
        }

        /** The tags trimmed and without repeats, in the order given. */
        Set<String> tags() {
            Set<String> tags = new LinkedHashSet<>();
            if (tagList != null) {
                tagList.forEach(tag -> tags.add(tag.trim()));
            }
            return tags;
        }
    }

    public record NewArticleRequest(NewArticle article) {
    }

    /** Every field is optional: only those given change. A new title gives a new slug. */
    public record UpdateArticle(@Schema(example = "Did you train your dragon?") String title, String description, String body) {
        void validate(Limits limits) {
            new Validation()
                    .check(title != null || description != null || body != null,
                            "article must contain at least one of title, description, body")
                    .notBlankIfPresent("title", title, limits.titleMax())
                    .notBlankIfPresent("description", description, limits.descriptionMax())
                    .notBlankIfPresent("body", body, limits.bodyMax())
                    .orFail();
        }
    }

    public record UpdateArticleRequest(UpdateArticle article) {
    }
}

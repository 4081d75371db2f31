package dev.ballast.tag;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** {@code /api/tags}: the most used tags, at most {@code TAGS_POPULAR_MAX}. */
@Path("/tags")
@Produces(MediaType.APPLICATION_JSON)
public class TagResource {

    public record TagsResponse(List<String> tags) {
    }

    private final TagRepository tags;

    TagResource(TagRepository tags) {
        this.tags = tags;
    }

    @GET
    public Uni<TagsResponse> list() {
        return tags.popular().map(TagsResponse::new);
    }
}

package dev.ballast.comment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.comment.CommentBodies.CommentsResponse;
import dev.ballast.profile.ProfileRow;
import dev.ballast.viewer.ViewerFlags.Flags;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A comment's JSON written from its shared start and the viewer's flag is the JSON RealWorld expects. */
class CommentJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, Object> expected(long id, boolean following) {
        Map<String, Object> author = new HashMap<>(Map.of("username", "jake", "image", "https://example.com/j.png", "following", following));
        author.put("bio", null);
        return Map.of("id", (int) id, "createdAt", "2026-01-31T12:00:00.120Z", "updatedAt", "2026-01-31T12:00:00.120Z",
                "body", "It takes a \"Jacobian\" </script>\n", "author", author);
    }

    private static SharedComment shared(long id) {
        Instant at = Instant.parse("2026-01-31T12:00:00.120Z");
        return new CommentRow(id, at, at, "It takes a \"Jacobian\" </script>\n",
                new ProfileRow(42, "jake", null, "https://example.com/j.png", false)).shared();
    }

    @Test
    void commentsAsEveryReaderAndAsAFollowerSeeThem() throws Exception {
        SharedComment first = shared(1);
        SharedComment second = shared(2);
        Flags follower = new Flags(new long[0], new long[] {42});
        assertEquals(Map.of("comments", List.of(expected(1, false), expected(2, false))),
                JSON.readValue(JSON.writeValueAsString(new CommentsResponse(List.of(first.unflagged(), second.unflagged()))), Map.class));
        assertEquals(Map.of("comments", List.of(expected(1, true), expected(2, true))),
                JSON.readValue(JSON.writeValueAsString(new CommentsResponse(List.of(first.seenBy(follower), second.seenBy(follower)))), Map.class));
        assertEquals(Map.of("comment", expected(1, false)),
                JSON.readValue(JSON.writeValueAsString(new CommentBodies.CommentResponse(first.unflagged())), Map.class), "the shared view keeps no viewer's flag");
    }
}

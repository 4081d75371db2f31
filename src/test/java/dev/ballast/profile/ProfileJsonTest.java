package dev.ballast.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.viewer.ViewerFlags.Flags;
import org.junit.jupiter.api.Test;

/** A profile's JSON written from its shared start and the viewer's flag is the JSON RealWorld expects. */
class ProfileJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ProfileRow JAKE = new ProfileRow(42, "jake \"q\"", null, "https://example.com/ü.png", false);

    private static String expected(boolean following) {
        return "{\"profile\":{\"username\":\"jake \\\"q\\\"\",\"bio\":null,\"image\":\"https://example.com/ü.png\",\"following\":"
                + following + "}}";
    }

    @Test
    void aProfileAsEveryReaderAndAsAFollowerSeeIt() throws Exception {
        SharedProfile shared = JAKE.shared();
        assertEquals(expected(false), JSON.writeValueAsString(new ProfileResponse(shared.unflagged())));
        assertEquals(expected(true), JSON.writeValueAsString(new ProfileResponse(shared.seenBy(new Flags(new long[0], new long[] {42})))));
        assertEquals(expected(false), JSON.writeValueAsString(new ProfileResponse(shared.seenBy(new Flags(new long[0], new long[] {41})))));
    }

    @Test
    void aWriteAnswersWithTheFlagItsRowWasReadWith() throws Exception {
        ProfileRow followed = new ProfileRow(42, JAKE.username(), JAKE.bio(), JAKE.image(), true);
        assertEquals(expected(true), JSON.writeValueAsString(new ProfileResponse(followed.view())));
        assertEquals(expected(false), JSON.writeValueAsString(new ProfileResponse(JAKE.view())));
    }
}

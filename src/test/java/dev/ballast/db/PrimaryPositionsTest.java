package dev.ballast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How far behind the primary a replica is, from the positions the heartbeat read and the one the replica replayed. */
class PrimaryPositionsTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aReplicaThatReplayedTheLatestPositionIsNotBehind() {
        PrimaryPositions positions = new PrimaryPositions(10 * SECOND);
        positions.read(100, 0);
        positions.read(100, SECOND);
        assertEquals(0, positions.lagNanos(100, 5 * SECOND), "an idle primary: caught up however long ago");
        assertEquals(0, positions.lagNanos(150, 5 * SECOND));
    }

    @Test
    void aReplicaIsBehindSinceTheLastPositionItHadReplayed() {
        PrimaryPositions positions = new PrimaryPositions(10 * SECOND);
        positions.read(100, 0);
        positions.read(200, SECOND);
        positions.read(300, 2 * SECOND);
        assertEquals(3 * SECOND, positions.lagNanos(250, 4 * SECOND), "has what the primary had at 1 s, not at 2 s");
        assertEquals(4 * SECOND, positions.lagNanos(100, 4 * SECOND));
    }

    @Test
    void behindEveryPositionKeptOrBeforeAnyIsReadTheLagIsUnbounded() {
        PrimaryPositions positions = new PrimaryPositions(2 * SECOND);
        assertEquals(Long.MAX_VALUE, positions.lagNanos(100, 0), "nothing read yet");
        positions.read(100, 0);
        positions.read(200, SECOND);
        positions.read(300, 5 * SECOND);
        assertEquals(Long.MAX_VALUE, positions.lagNanos(150, 6 * SECOND), "the position of 1 s is forgotten");
        assertEquals(Long.MAX_VALUE, positions.lagNanos(-1, 6 * SECOND), "a server that replayed nothing yet");
    }
}

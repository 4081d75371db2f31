package dev.ballast.cache;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.db.ReadPosition;
import org.junit.jupiter.api.Test;

/** Whether a fill may be kept, by the WAL position its reads saw against the changes the cache was emptied for. */
class ChangePositionsTest {

    @Test
    void beforeAnyChangeEveryFillIsKept() {
        ChangePositions changes = new ChangePositions();
        assertTrue(changes.keeps(0));
        assertTrue(changes.keeps(ReadPosition.EVERYTHING));
    }

    @Test
    void aFillIsKeptOnlyIfItSawTheHighestChangeApplied() {
        ChangePositions changes = new ChangePositions();
        changes.changing();
        changes.changedAt(200);
        changes.changing();
        changes.changedAt(100); // an older change applied later (a notice overtaken by a write here)
        assertFalse(changes.keeps(199), "read on a replica behind the change at 200");
        assertTrue(changes.keeps(200));
        assertTrue(changes.keeps(250));
    }

    @Test
    void whileAChangesPositionIsUnknownNoReplicasFillIsKept() {
        ChangePositions changes = new ChangePositions();
        changes.changing();
        changes.changedAt(100);
        changes.changing();
        assertFalse(changes.keeps(1_000_000), "however far the replica had replayed");
        assertTrue(changes.keeps(ReadPosition.EVERYTHING), "read on the primary alone");
        changes.changedAt(300);
        assertFalse(changes.keeps(299));
        assertTrue(changes.keeps(300));
    }

    @Test
    void aFillReadOnThePrimaryAloneIsAlwaysKept() {
        ChangePositions changes = new ChangePositions();
        changes.changing();
        changes.changedAt(Long.MAX_VALUE - 1);
        assertTrue(changes.keeps(ReadPosition.EVERYTHING));
    }
}

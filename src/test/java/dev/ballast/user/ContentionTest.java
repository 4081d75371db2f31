package dev.ballast.user;

import static dev.ballast.user.PasswordHasher.readersNeedTheCpu;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When hashing is held to its share: only while readers need the CPU, never because logins keep it busy. */
class ContentionTest {

    private static final double CONTENDED_AT = 0.2;

    @Test
    void readersPresentWhileTheLoopsAreBusyOrLateAreContention() {
        assertTrue(readersNeedTheCpu(true, 0.2, CONTENDED_AT, false), "loops busy serving");
        assertTrue(readersNeedTheCpu(true, 0.0, CONTENDED_AT, true), "loops late");
        assertTrue(readersNeedTheCpu(true, 1.5, CONTENDED_AT, true));
    }

    @Test
    void loginsAloneAreNotWhateverTheyDoToTheLoops() {
        // A burst of logins on an idle replica: parsing and tokens keep the loops busy, hashing on every core
        // makes them late, and nobody else is waiting.
        assertFalse(readersNeedTheCpu(false, 1.5, CONTENDED_AT, true));
        assertFalse(readersNeedTheCpu(false, 0.3, CONTENDED_AT, false));
    }

    @Test
    void readersOnLoopsWithRoomToSpareAreNot() {
        assertFalse(readersNeedTheCpu(true, 0.1, CONTENDED_AT, false));
    }
}

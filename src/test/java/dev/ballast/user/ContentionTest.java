package dev.ballast.user;

import static dev.ballast.user.PasswordHasher.readersNeedTheCpu;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When hashing is held to its share: only while readers wait for the CPU, never because logins keep it busy. */
class ContentionTest {

    @Test
    void readersWaitingForTheCpuAreContention() {
        assertTrue(readersNeedTheCpu(true, true));
    }

    @Test
    void readersServedWithCpuToSpareAreNot() {
        // A light read load: readers come and go, none waits.
        assertFalse(readersNeedTheCpu(true, false));
    }

    @Test
    void loginsAloneAreNotWhateverTheyDoToTheLoops() {
        // A burst of logins on an idle replica: hashing on every core makes the loops late, and nobody else waits.
        assertFalse(readersNeedTheCpu(false, true));
        assertFalse(readersNeedTheCpu(false, false));
    }
}

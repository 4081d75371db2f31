package dev.ballast.protection;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The per-account delays, on a clock the test moves. */
class FailedLoginsTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final FailedLogins logins = new FailedLogins(3, Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofMinutes(15), 1_000, now::get, new SimpleMeterRegistry().counter("rejections"));

    @Test
    void theFirstFailuresAreFreeThenEachAttemptWaitsTwiceAsLongUpToTheMax() {
        for (int i = 0; i < 3; i++) {
            logins.attempt("jake@example.com"); // the third failure starts the waits
        }
        for (long seconds : new long[] {1, 2, 4, 8, 10, 10}) {
            assertEquals(seconds * 1_000, refusedFor("jake@example.com"));
            now.addAndGet(seconds * SECOND - 1);
            assertEquals(1, refusedFor("jake@example.com"), "one nanosecond early is still early");
            now.addAndGet(1);
            logins.attempt("jake@example.com");
        }
    }

    @Test
    void refusedAttemptsDoNotLengthenTheWait() {
        for (int i = 0; i < 3; i++) {
            logins.attempt("a@example.com");
        }
        for (int i = 0; i < 50; i++) {
            refusedFor("a@example.com");
        }
        now.addAndGet(SECOND);
        assertDoesNotThrow(() -> logins.attempt("a@example.com"));
    }

    @Test
    void aCorrectPasswordStartsTheAccountAfresh() {
        for (int i = 0; i < 3; i++) {
            logins.attempt("b@example.com");
        }
        now.addAndGet(SECOND);
        logins.attempt("b@example.com");
        logins.succeeded("b@example.com");
        for (int i = 0; i < 3; i++) {
            assertDoesNotThrow(() -> logins.attempt("b@example.com"));
        }
    }

    @Test
    void eachAccountKeyHasItsOwnBudget() {
        for (int i = 0; i < 3; i++) {
            logins.attempt("jake@example.com");
        }
        assertEquals(1_000, refusedFor("jake@example.com"));
        assertDoesNotThrow(() -> logins.attempt("jake@example.org"));
    }

    @Test
    void anAttemptWhosePasswordWasNotCheckedDoesNotCount() {
        for (int i = 0; i < 10; i++) {
            logins.attempt("busy@example.com");
            logins.notChecked("busy@example.com"); // answered 503: the server was busy
        }
        logins.attempt("busy@example.com");
        logins.attempt("busy@example.com");
        assertDoesNotThrow(() -> logins.attempt("busy@example.com"), "still within the free failures");
    }

    @Test
    void failuresAreForgottenAWindowAfterTheLastAttempt() {
        for (int i = 0; i < 3; i++) {
            logins.attempt("c@example.com");
        }
        now.addAndGet(Duration.ofMinutes(15).toNanos() + 1);
        for (int i = 0; i < 3; i++) {
            assertDoesNotThrow(() -> logins.attempt("c@example.com"));
        }
    }

    @Test
    void theDelayNeverOverflowsItsCap() {
        assertEquals(0, logins.delayAfter(2));
        assertEquals(SECOND, logins.delayAfter(3));
        assertEquals(10 * SECOND, logins.delayAfter(100));
        assertEquals(10 * SECOND, logins.delayAfter(Integer.MAX_VALUE));
    }

    @Test
    void twoAttemptsAtOnceWithinTheFreeOnesAreBothLetThrough() throws Exception {
        // One attempt reads the clock while another for the same email runs (two threads at once): the one that
        // read first must not find itself earlier than the other's allowed time.
        AtomicBoolean firstReading = new AtomicBoolean(true);
        ExecutorService otherThread = Executors.newSingleThreadExecutor();
        AtomicReference<Future<?>> other = new AtomicReference<>();
        AtomicReference<FailedLogins> racing = new AtomicReference<>();
        LongSupplier clock = () -> {
            long reading = now.get();
            if (firstReading.getAndSet(false)) {
                now.addAndGet(1);
                other.set(otherThread.submit(() -> racing.get().attempt("jake@example.com")));
                try {
                    other.get().get(200, TimeUnit.MILLISECONDS);
                } catch (TimeoutException waitsForThisAttempt) {
                    // it runs once this attempt has been counted
                } catch (InterruptedException | ExecutionException e) {
                    throw new IllegalStateException(e);
                }
            }
            return reading;
        };
        racing.set(new FailedLogins(3, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(15), 1_000,
                clock, new SimpleMeterRegistry().counter("rejections")));
        try {
            assertDoesNotThrow(() -> racing.get().attempt("jake@example.com"));
            assertDoesNotThrow(() -> other.get().get(5, TimeUnit.SECONDS));
        } finally {
            otherThread.shutdownNow();
        }
    }

    @Test
    void memoryIsBoundedWhateverTheEmailsSent() {
        String longEmail = "x".repeat(100_000) + "@example.com";
        for (int i = 0; i < 5_000; i++) {
            logins.attempt(i + longEmail);
        }
        assertTrue(logins.accounts() <= 1_000, "accounts remembered: " + logins.accounts());
    }

    @Test
    void limitsThatWouldForgetAWaitEarlyAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FailedLogins(3, Duration.ofSeconds(1), Duration.ofMinutes(20),
                Duration.ofMinutes(15), 10, now::get, new SimpleMeterRegistry().counter("r")));
    }

    /** The wait an attempt that must be refused is told, in milliseconds. */
    private long refusedFor(String email) {
        return assertThrows(TooManyRequests.class, () -> logins.attempt(email)).retryAfterMillis();
    }
}

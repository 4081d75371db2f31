package dev.ballast.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashingQueueTest {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final long HASH = 100 * MS;
    private static final boolean IDLE = false;
    private static final boolean CONTENDED = true;
    private static final String ALICE = "192.0.2.1";
    private static final String BOB = "192.0.2.2";

    /** A hash that records what happened to it. */
    private static final class Login implements HashingQueue.Job {
        long startedAt = -1;
        boolean refused;
        private final Clock clock;

        Login(Clock clock) {
            this.clock = clock;
        }

        @Override
        public void start() {
            startedAt = clock.now;
        }

        @Override
        public void refuse() {
            refused = true;
        }
    }

    private static final class Clock {
        long now;
    }

    /** Two threads; a share of {@code perSecond} hashes a second, with a burst of one second's worth; a hash takes 100 ms. */
    private static HashingQueue queue(double perSecond) {
        return queue(perSecond, 1);
    }

    private static HashingQueue queue(double perSecond, int burst) {
        return new HashingQueue(2, new HashingShare(perSecond, burst, 0), HASH);
    }

    /** Offers {@code count} hashes of {@code client} at the clock's time, each to start by {@code latestStart}. */
    private static List<Login> offerEach(HashingQueue queue, Clock clock, int count, String client, long latestStart, boolean contended) {
        List<Login> logins = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Login login = new Login(clock);
            if (queue.offer(login, client, latestStart, clock.now, contended)) {
                logins.add(login);
            }
        }
        return logins;
    }

    private static void apply(HashingQueue.Dispatch dispatch) {
        dispatch.start().forEach(HashingQueue.Job::start);
        dispatch.refuse().forEach(HashingQueue.Job::refuse);
    }

    /** Runs the queue until no hash is waiting: each hash takes 100 ms; returns when the last one started. */
    private static long runToTheEnd(HashingQueue queue, Clock clock, List<Login> logins, boolean contended) {
        List<Long> endsAt = new ArrayList<>();
        apply(queue.dispatch(clock.now, contended));
        for (int step = 0; step < 10_000 && logins.stream().anyMatch(login -> login.startedAt < 0 && !login.refused); step++) {
            for (Login login : logins) {
                if (login.startedAt == clock.now) {
                    endsAt.add(clock.now + HASH);
                }
            }
            clock.now += MS;
            for (int i = endsAt.size() - 1; i >= 0; i--) {
                if (endsAt.get(i) <= clock.now) {
                    endsAt.remove(i);
                    queue.finished(HASH);
                }
            }
            apply(queue.dispatch(clock.now, contended));
        }
        return logins.stream().mapToLong(login -> login.startedAt).max().orElseThrow();
    }

    @Test
    void whileTheCpuHasRoomABurstUsesEveryThreadAndIsServedWhateverTheShare() {
        Clock clock = new Clock();
        HashingQueue queue = queue(0.1); // one hash in ten seconds, were the share applied
        List<Login> burst = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Login login = new Login(clock);
            assertTrue(queue.offer(login, ALICE, 5 * SECOND - HASH, clock.now, IDLE), "login " + i + " can start before its deadline");
            burst.add(login);
        }
        assertEquals(15 * HASH / 2, queue.expectedWait(ALICE, 0, IDLE), "16 waiting on 2 threads: 15 hashes end first, two at a time");

        long lastStart = runToTheEnd(queue, clock, burst, IDLE);
        assertTrue(burst.stream().noneMatch(login -> login.refused), "none refused");
        assertEquals(7 * HASH + 7 * MS, lastStart, 7 * MS, "two at a time: the last starts after 7 rounds of 100 ms");
        assertEquals(2, burst.stream().filter(login -> login.startedAt == 0).count(), "both threads at once");
    }

    @Test
    void underContentionABurstRunsOnEveryThreadWhileTheShareLasts() {
        Clock clock = new Clock();
        HashingQueue queue = queue(4, 16); // 4 hashes a second after a burst of 16
        List<Login> burst = offerEach(queue, clock, 16, ALICE, 2 * SECOND, CONTENDED);
        assertEquals(16, burst.size(), "the whole burst can start within 2 s");

        long lastStart = runToTheEnd(queue, clock, burst, CONTENDED);
        assertTrue(burst.stream().noneMatch(login -> login.refused), "none refused");
        assertEquals(7 * HASH + 7 * MS, lastStart, 7 * MS, "two at a time, as with room: the last starts after 7 rounds");
    }

    @Test
    void underContentionHashingPastTheBurstIsHeldToTheShare() {
        Clock clock = new Clock();
        HashingQueue queue = queue(4); // a bucket of 4 hashes, refilled at 4 a second
        List<Login> logins = offerEach(queue, clock, 12, ALICE, 10 * SECOND, CONTENDED);
        assertEquals(12, logins.size());

        long lastStart = runToTheEnd(queue, clock, logins, CONTENDED);
        assertTrue(logins.stream().noneMatch(login -> login.refused), "all started before their deadline");
        // Two every 100 ms while the bucket (4, refilling meanwhile) lasts: four; then one every 250 ms.
        assertEquals(2 * SECOND, lastStart, 10 * MS, "the share paces starts: " + lastStart / MS + " ms");
    }

    @Test
    void whenTheShareHasNoTokenTheQueueSaysWhenToLookAgain() {
        HashingQueue queue = queue(2);
        for (int i = 0; i < 2; i++) {
            assertTrue(queue.offer(new Login(new Clock()), ALICE, SECOND, 0, IDLE));
            apply(queue.dispatch(0, IDLE)); // idle hashes use the bucket's tokens too
            queue.finished(HASH);
        }
        assertTrue(queue.offer(new Login(new Clock()), ALICE, 2 * SECOND, 0, CONTENDED));
        HashingQueue.Dispatch none = queue.dispatch(0, CONTENDED);
        assertTrue(none.start().isEmpty(), "the bucket is empty once contention sets in");
        assertEquals(500 * MS, none.retryInNanos(), MS, "the next token in half a second");
        assertEquals(1, queue.dispatch(0, IDLE).start().size(), "with room again it starts at once");
    }

    @Test
    void aLoginIsRefusedOnlyWhenItsExpectedWaitPassesItsDeadline() {
        HashingQueue queue = queue(1000);
        assertTrue(queue.offer(new Login(new Clock()), ALICE, 0, 0, CONTENDED), "nothing ahead: no wait at all");
        assertTrue(queue.offer(new Login(new Clock()), ALICE, 0, 0, CONTENDED), "a thread free for the second too");
        apply(queue.dispatch(0, CONTENDED));
        assertEquals(HASH / 2, queue.expectedWait(ALICE, 0, CONTENDED), "one of the two running must finish first");
        assertFalse(queue.offer(new Login(new Clock()), ALICE, HASH / 2 - 1, 0, CONTENDED), "would start too late");
        assertTrue(queue.offer(new Login(new Clock()), ALICE, HASH / 2, 0, CONTENDED), "just in time");

        queue.finished(3 * HASH);
        assertEquals(140 * MS, queue.hashNanos(), MS, "the estimate moves a fifth of the way to each measured hash");
        apply(queue.dispatch(0, CONTENDED)); // the waiting one takes the freed thread: two running again
        assertEquals(70 * MS, queue.expectedWait(ALICE, 0, CONTENDED), MS, "slower hashes lengthen the expected wait");
    }

    @Test
    void aWaitingHashWhoseLatestStartPassesIsRefusedRatherThanRunLate() {
        HashingQueue queue = queue(1000);
        List<Login> logins = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Login login = new Login(new Clock());
            assertTrue(queue.offer(login, ALICE, 150 * MS, 0, IDLE));
            logins.add(login);
        }
        apply(queue.dispatch(0, IDLE));
        // The two running end at 100 ms, but the next look comes at 200 ms: by then the two waiting are too late.
        queue.finished(HASH);
        queue.finished(HASH);
        apply(queue.dispatch(200 * MS, CONTENDED));
        assertEquals(2, logins.stream().filter(login -> login.refused).count(), "the two waiting are refused");
        assertEquals(0, queue.waiting());
    }

    @Test
    void oneClientWithManyHashesWaitingDelaysAnotherByOneOfItsOwnAtMost() {
        Clock clock = new Clock();
        HashingQueue queue = queue(1000);
        List<Login> flood = offerEach(queue, clock, 50, ALICE, 2 * SECOND, CONTENDED);
        assertEquals(42, flood.size(), "two threads, 100 ms a hash: the flood's hashes that could start within 2 s");
        apply(queue.dispatch(clock.now, CONTENDED));
        assertEquals(HASH, queue.expectedWait(BOB, clock.now, CONTENDED),
                "another client waits for one of the running hashes and the flood's next turn, not for its 40 waiting");
        assertEquals(41 * HASH / 2, queue.expectedWait(ALICE, clock.now, CONTENDED), "the flood waits behind itself");

        Login other = new Login(clock);
        assertTrue(queue.offer(other, BOB, clock.now + HASH, clock.now, CONTENDED), "a deadline the flood alone would pass");
        List<Login> all = new ArrayList<>(flood);
        all.add(other);
        runToTheEnd(queue, clock, all, CONTENDED);
        assertEquals(HASH, other.startedAt, 2 * MS, "started with the flood's third hash");
        assertEquals(2, flood.stream().filter(login -> login.startedAt >= 0 && login.startedAt < other.startedAt).count(),
                "the flood's fourth hash waited for the other client's turn");
        assertFalse(other.refused);
        assertEquals(1, flood.stream().filter(login -> login.refused).count(), "the other client's turn pushed the flood's last past its deadline");
        assertTrue(flood.get(41).refused);
    }

    @Test
    void aQueueNeedsAThread() {
        assertThrows(IllegalArgumentException.class, () -> new HashingQueue(0, new HashingShare(1, 1, 0), HASH));
    }
}

package dev.ballast.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The CPU hashing may use beside readers: what the rest leaves busy, hashing's own use not counted against it. */
class CpuRoomTest {

    private static final long STEP = CpuRoom.STEP;

    @Test
    void theRoomIsTheCoresTheRestLeavesLessTheHeadroom() {
        AtomicReference<Double> busy = new AtomicReference<>(0.0);
        CpuRoom room = new CpuRoom(busy::get, 2, 0.5, 0);
        busy.set(0.3); // light reads
        assertEquals(1.2, room.cores(STEP), 1e-9);

        busy.set(2.0); // both cores busy, one and a half of them hashing
        room.hashed(3 * STEP / 2);
        assertEquals(1.0, room.cores(2 * STEP), 1e-9, "hashing's own use is room: the rest used half a core");

        busy.set(1.8); // readers take most of the cores
        assertEquals(0.0, room.cores(3 * STEP), 1e-9, "never below none");
    }

    @Test
    void itIsMeasuredOnceAStep() {
        AtomicReference<Double> busy = new AtomicReference<>(1.0);
        CpuRoom room = new CpuRoom(busy::get, 2, 0.5, 0);
        assertEquals(0.5, room.cores(STEP), 1e-9);
        busy.set(0.0);
        assertEquals(0.5, room.cores(STEP + STEP / 2), 1e-9, "within the step: the last measurement");
        assertEquals(1.5, room.cores(2 * STEP), 1e-9);
    }

    @Test
    void anEnvironmentThatDoesNotSayLeavesNoRoom() {
        CpuRoom room = new CpuRoom(() -> -1, 2, 0.5, 0);
        assertEquals(0.0, room.cores(STEP), 1e-9, "hashing keeps to its floor");
    }
}

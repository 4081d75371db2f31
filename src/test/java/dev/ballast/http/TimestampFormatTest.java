package dev.ballast.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The timestamps of every answer: the same text as the ISO-8601 pattern RealWorld clients parse, however written. */
class TimestampFormatTest {

    @Test
    void theTextIsIso8601InUtcWithMilliseconds() {
        assertEquals("2026-01-31T12:00:00.000Z", JsonConfig.format(Instant.parse("2026-01-31T12:00:00Z")));
        assertEquals("1970-01-01T00:00:00.000Z", JsonConfig.format(Instant.EPOCH));
        assertEquals("2024-02-29T23:59:59.999Z", JsonConfig.format(Instant.parse("2024-02-29T23:59:59.999999999Z")));
        assertEquals("0001-01-01T00:00:00.007Z", JsonConfig.format(Instant.parse("0001-01-01T00:00:00.007Z")));
        assertEquals("9999-12-31T23:59:59.999Z", JsonConfig.format(Instant.parse("9999-12-31T23:59:59.999Z")));
    }

    @Test
    void everyInstantReadsAsThePatternWritesIt() {
        Random random = new Random(42);
        long earliest = Instant.parse("-0100-01-01T00:00:00Z").getEpochSecond();
        long latest = Instant.parse("+10100-01-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochSecond(earliest + (long) (random.nextDouble() * (latest - earliest)),
                    random.nextInt(1_000_000_000));
            assertEquals(JsonConfig.TIMESTAMP.format(instant), JsonConfig.format(instant), instant::toString);
        }
    }
}

package dev.cvd.market;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** EventTime.format prints what Instant.toString prints, across eras, years and fractions. */
class EventTimeFormatTest {

    private static String instant(long micros) {
        return Instant.ofEpochSecond(
                        Math.floorDiv(micros, 1_000_000L),
                        Math.floorMod(micros, 1_000_000L) * 1000L)
                .toString();
    }

    @Test
    void formatsAsInstantDoes() {
        long[] edges = {
            0,
            1,
            999,
            1000,
            999_999,
            1_000_000,
            -1,
            -1_000_000,
            951_782_400_000_000L, // 2000-02-29
            4_107_542_400_000_000L, // 2100-03-01
            253_402_300_799_999_999L, // 9999-12-31T23:59:59.999999
            253_402_300_800_000_000L, // 10000-01-01
            1764607486123456L,
            1764607486123000L,
            1764607486000000L
        };
        for (long t : edges) {
            assertThat(EventTime.format(t)).as("%d", t).isEqualTo(instant(t));
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            long t =
                    switch (i % 3) {
                        case 0 ->
                                random.nextLong(
                                        -100_000_000_000_000_000L, 400_000_000_000_000_000L);
                        case 1 -> random.nextLong(0, 4_000_000_000L) * 1000L;
                        default -> random.nextLong(0, 4_000_000_000L) * 1_000_000L;
                    };
            assertThat(EventTime.format(t)).as("%d", t).isEqualTo(instant(t));
        }
        assertThat(EventTime.format(EventTime.UNKNOWN)).isEqualTo("unknown");
    }
}

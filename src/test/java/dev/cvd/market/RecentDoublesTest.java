package dev.cvd.market;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The table of recent texts must never change a text: whatever was written before, a double comes
 * out as {@link ShortestDouble} writes it, whether found in the table, replacing an entry, or
 * colliding with another double in the same entry.
 */
class RecentDoublesTest {

    private final RecentDoubles recent = new RecentDoubles();
    private final byte[] out = new byte[64];
    private final byte[] expected = new byte[64];

    @Test
    void aValueWrittenAgainComesOutTheSame() {
        double[] values = {91000.51, 1.5e-5, -0.0, 0.0, 3.0, 1.0e7, 0.001, 4.9e-324, -1.7e308};
        for (int round = 0; round < 3; round++) {
            for (double v : values) {
                check(v, 7);
            }
        }
    }

    @Test
    void valuesSharingAnEntryDoNotTakeEachOthersText() {
        // Two different doubles that fall into the same entry, written in turn.
        SplittableRandom random = new SplittableRandom(7);
        double first = random.nextDouble() * 1e5;
        long firstEntry = entry(first);
        double second = Double.NaN;
        while (Double.isNaN(second)) {
            double v = random.nextDouble() * 1e5;
            if (entry(v) == firstEntry && v != first) {
                second = v;
            }
        }
        for (int i = 0; i < 10; i++) {
            check(first, 1);
            check(second, 1);
            check(first, 1);
        }
    }

    @Test
    void randomStreamsWithRepeatsMatchTheWriter() {
        SplittableRandom random = new SplittableRandom(11);
        double[] pool = new double[2_000];
        for (int i = 0; i < pool.length; i++) {
            long bits = random.nextLong();
            double v = Double.longBitsToDouble(bits);
            pool[i] = Double.isFinite(v) ? v : random.nextDouble() - 0.5;
        }
        for (int i = 0; i < 500_000; i++) {
            // A small working set, as consecutive feature rows have: mostly hits, some misses.
            double v = random.nextInt(4) == 0 ? pool[random.nextInt(pool.length)] : pool[i % 40];
            check(v, 1 + random.nextInt(30));
        }
    }

    /** The table entry a double falls into, as {@link RecentDoubles} hashes it. */
    private static long entry(double v) {
        return (Double.doubleToRawLongBits(v) * 0x9E3779B97F4A7C15L) >>> (64 - 9);
    }

    /** Writes v at a position (at least 1) and compares it with the writer's own text. */
    private void check(double v, int at) {
        out[at - 1] = '#';
        int end = recent.write(out, at, v);
        int expectedEnd = ShortestDouble.write(expected, at, v);
        String text = new String(out, at, end - at, StandardCharsets.US_ASCII);
        assertThat(text)
                .as("text of %s", v)
                .isEqualTo(new String(expected, at, expectedEnd - at, StandardCharsets.US_ASCII));
        assertThat(out[at - 1]).as("byte before the text").isEqualTo((byte) '#');
    }
}

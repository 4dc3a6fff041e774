package dev.cvd.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ForwardVolatilityLabelerTest {

    private static final long S = 1_000_000L;

    private static long[] seconds(double... s) {
        long[] t = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            t[i] = Math.round(s[i] * S);
        }
        return t;
    }

    @Test
    void sumsTheReturnsOfTheNextSixtySecondsAndNeedsTheSegmentToReachThem() {
        long[] t = seconds(0, 10, 30, 60, 61);
        double[] mid = {100, 101, 100, 102, 102};
        double[] label = ForwardVolatilityLabeler.label(t, mid);

        double r1 = Math.log(101.0 / 100);
        double r2 = Math.log(100.0 / 101);
        double r3 = Math.log(102.0 / 100);
        // (0, 60] holds the quotes at 10, 30 and 60; the segment reaches 61 >= 60.
        assertThat(label[0]).isCloseTo(Math.sqrt(r1 * r1 + r2 * r2 + r3 * r3), within(1e-15));
        // (10, 70]: the segment ends at 61 < 70, the window is not fully observed.
        assertThat(label[1]).isNaN();
        assertThat(label[2]).isNaN();
        assertThat(label[3]).isNaN();
        assertThat(label[4]).isNaN();
    }

    @Test
    void aGapOfMoreThanSixtySecondsEndsTheSegmentAndItsReturnIsNotCounted() {
        // 60 -> 130 is a 70 s gap: the quote at 130 starts a new segment, without a return.
        long[] t = seconds(0, 60, 130, 140, 190, 200);
        double[] mid = {100, 100, 200, 202, 202, 200};
        double[] label = ForwardVolatilityLabeler.label(t, mid);

        assertThat(label[0]).isEqualTo(0.0); // (0, 60] holds one unchanged mid; 60 reaches it
        assertThat(label[1]).isNaN(); // segment 1 ends at 60
        double up = Math.log(202.0 / 200);
        double down = Math.log(200.0 / 202);
        assertThat(label[2]).isCloseTo(Math.abs(up), within(1e-15)); // (130, 190]
        // (140, 200]: the segment's last quote is exactly at t + 60 s, which reaches it.
        assertThat(label[3]).isCloseTo(Math.abs(down), within(1e-15));
        assertThat(label[4]).isNaN();
        assertThat(label[5]).isNaN();
    }

    @Test
    void quotesAtTheSameTimeShareOneWindowThatStartsAfterThem() {
        long[] t = seconds(0, 0, 5, 60);
        double[] mid = {100, 101, 102, 103};
        double[] label = ForwardVolatilityLabeler.label(t, mid);

        double a = Math.log(102.0 / 101);
        double b = Math.log(103.0 / 102);
        // The return of the second quote at 0 is at time 0, outside (0, 60].
        assertThat(label[0]).isCloseTo(Math.sqrt(a * a + b * b), within(1e-15));
        assertThat(label[1]).isEqualTo(label[0]);
        assertThat(label[2]).isNaN(); // (5, 65]: the segment ends at 60
    }

    @Test
    void unchangedMidsGiveExactlyZero() {
        long[] t = new long[500];
        double[] mid = new double[500];
        for (int i = 0; i < t.length; i++) {
            t[i] = i * 400_000L;
            mid[i] = 91_234.505;
        }
        double[] label = ForwardVolatilityLabeler.label(t, mid);
        for (int i = 0; i < t.length; i++) {
            if (t[t.length - 1] - t[i] >= 60 * S) {
                assertThat(label[i]).isEqualTo(0.0);
            } else {
                assertThat(label[i]).isNaN();
            }
        }
    }

    @Test
    void matchesABruteForceSumOnALongStreamWithGapsAndTies() {
        Random random = new Random(7);
        int n = 20_000;
        long[] t = new long[n];
        double[] mid = new double[n];
        mid[0] = 90_000;
        for (int i = 1; i < n; i++) {
            double u = random.nextDouble();
            long dt = u < 0.1 ? 0 : u < 0.998 ? random.nextInt(2_000_000) : 61 * S + 1;
            t[i] = t[i - 1] + dt;
            // Calm stretches and bursts, so quiet windows follow volatile ones.
            double scale = (i / 3000) % 2 == 0 ? 1e-6 : 1e-3;
            mid[i] =
                    random.nextDouble() < 0.5
                            ? mid[i - 1]
                            : mid[i - 1] * Math.exp(scale * random.nextGaussian());
        }
        double[] label = ForwardVolatilityLabeler.label(t, mid);

        int segmentStart = 0;
        int labelled = 0;
        for (int i = 0; i < n; i++) {
            if (i > 0 && t[i] - t[i - 1] > FeatureContract.SEGMENT_GAP_MICROS) {
                segmentStart = i;
            }
            int segmentEnd = i;
            while (segmentEnd + 1 < n && t[segmentEnd + 1] - t[segmentEnd] <= 60 * S) {
                segmentEnd++;
            }
            if (t[segmentEnd] < t[i] + 60 * S) {
                assertThat(label[i]).as("row %d", i).isNaN();
                continue;
            }
            double sum = 0;
            for (int j = i + 1; j <= segmentEnd && t[j] <= t[i] + 60 * S; j++) {
                if (t[j] > t[i] && j > segmentStart) {
                    double r = Math.log(mid[j] / mid[j - 1]);
                    sum += r * r;
                }
            }
            double expected = Math.sqrt(sum);
            assertThat(label[i]).as("row %d", i).isCloseTo(expected, within(expected * 1e-12));
            labelled++;
        }
        assertThat(labelled).isGreaterThan(n / 2);
    }

    @Test
    void rejectsTimesThatGoBack() {
        assertThatThrownBy(
                        () ->
                                ForwardVolatilityLabeler.label(
                                        seconds(0, 2, 1), new double[] {1, 1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 2");
    }
}

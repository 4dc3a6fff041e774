package dev.cvd.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChronologicalSplitTest {

    private static final long S = 1_000_000L;

    /** 100 rows, one every 10 s from 0 to 990 s. */
    private static long[] everyTenSeconds() {
        return IntStream.range(0, 100).mapToLong(i -> i * 10 * S).toArray();
    }

    @Test
    void splitsRowsInTimeOrderAndPurgesLabelWindowsThatReachTheNextSplit() {
        ChronologicalSplit.Parts p = ChronologicalSplit.DEFAULT.apply(everyTenSeconds());

        // Validation starts at row 60 (600 s), test at row 80 (800 s).
        assertThat(p.validationStartMicros()).isEqualTo(600 * S);
        assertThat(p.testStartMicros()).isEqualTo(800 * S);
        // Train rows at 540..590 s have (t, t + 60 s] reaching 600 s: purged.
        assertThat(p.train()).containsExactly(IntStream.range(0, 54).toArray());
        assertThat(p.purgedTrain()).isEqualTo(6);
        assertThat(p.validation()).containsExactly(IntStream.range(60, 74).toArray());
        assertThat(p.purgedValidation()).isEqualTo(6);
        assertThat(p.test()).containsExactly(IntStream.range(80, 100).toArray());
    }

    @Test
    void aLabelWindowEndingJustBeforeTheBoundaryIsKept() {
        // Rows at 0, 1 and 61.000001 s: the row at 1 s has (1, 61] ending before 61.000001 s.
        long[] t = {0, S, 61 * S + 1, 200 * S, 300 * S};
        ChronologicalSplit.Parts p = new ChronologicalSplit(0.4, 0.2, 0.4).apply(t);
        assertThat(p.validationStartMicros()).isEqualTo(61 * S + 1);
        assertThat(p.train()).containsExactly(0, 1);
        assertThat(p.purgedTrain()).isZero();
    }

    @Test
    void rowsOfEqualTimeStayInOneSplit() {
        // Rows 0..9 at 0, 100, ..., 500 s, then rows 6..9 all at 600 s.
        long[] t = new long[10];
        for (int i = 0; i < 10; i++) {
            t[i] = Math.min(i, 6) * 100 * S;
        }
        ChronologicalSplit.Parts p = new ChronologicalSplit(0.5, 0.2, 0.3).apply(t);
        // Test starts at row 7's time, 600 s, which rows 6..9 share: all four are test rows.
        assertThat(p.testStartMicros()).isEqualTo(600 * S);
        assertThat(p.test()).containsExactly(6, 7, 8, 9);
        assertThat(p.validation()).containsExactly(5);
    }

    @Test
    void anEmptySplitIsAnErrorThatSaysWhat() {
        long[] t = {0, S, 2 * S, 3 * S, 4 * S};
        assertThatThrownBy(() -> ChronologicalSplit.DEFAULT.apply(t))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("empty after purging");
    }

    @Test
    void parsesFractionsAndRejectsBadOnes() {
        assertThat(ChronologicalSplit.parse("0.7, 0.15 ,0.15"))
                .isEqualTo(new ChronologicalSplit(0.7, 0.15, 0.15));
        assertThatThrownBy(() -> ChronologicalSplit.parse("0.5,0.5"))
                .hasMessageContaining("three fractions");
        assertThatThrownBy(() -> ChronologicalSplit.parse("0.6,0.3,0.3"))
                .hasMessageContaining("sum to 1");
        assertThatThrownBy(() -> ChronologicalSplit.parse("0.6,x,0.2"))
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> ChronologicalSplit.parse("1.2,-0.1,-0.1"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.cvd.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Expected values computed by hand; they agree with scikit-learn 1.x. */
class BinaryMetricsTest {

    private static final double[] SCORES = {0.9, 0.8, 0.7, 0.6, 0.5};
    private static final boolean[] LABELS = {true, false, true, false, false};

    @Test
    void averagePrecisionSumsPrecisionOverRecallSteps() {
        // Thresholds 0.9: P 1, R 1/2; 0.8: P 1/2, R 1/2; 0.7: P 2/3, R 1.
        assertThat(BinaryMetrics.averagePrecision(SCORES, LABELS))
                .isCloseTo(0.5 * 1 + 0.5 * 2 / 3.0, within(1e-15));
    }

    @Test
    void rocAucIsTheMannWhitneyStatistic() {
        // Positives rank 5 and 3 of 5: (8 - 3) / (2 * 3).
        assertThat(BinaryMetrics.rocAuc(SCORES, LABELS)).isCloseTo(5 / 6.0, within(1e-15));
    }

    @Test
    void tiedScoresCountAsOneThresholdAndHalfAPair() {
        double[] s = {1.0, 0.5, 0.5, 0.0};
        boolean[] y = {true, true, false, false};
        // AP: threshold 1: P 1, R 1/2; threshold 0.5: P 2/3, R 1.
        assertThat(BinaryMetrics.averagePrecision(s, y))
                .isCloseTo(0.5 + 0.5 * 2 / 3.0, within(1e-15));
        // ROC: mid-ranks 4 and 2.5 for the positives: (6.5 - 3) / 4.
        assertThat(BinaryMetrics.rocAuc(s, y)).isEqualTo(0.875);

        double[] flat = {0.5, 0.5, 0.5, 0.5};
        boolean[] half = {true, false, true, false};
        assertThat(BinaryMetrics.averagePrecision(flat, half)).isEqualTo(0.5);
        assertThat(BinaryMetrics.rocAuc(flat, half)).isEqualTo(0.5);
    }

    @Test
    void decisionMetricsAtAThreshold() {
        BinaryMetrics.Result r = BinaryMetrics.evaluate(SCORES, LABELS, 0.7);
        assertThat(r.rows()).isEqualTo(5);
        assertThat(r.positives()).isEqualTo(2);
        assertThat(r.positiveRate()).isEqualTo(0.4);
        assertThat(r.precision()).isCloseTo(2 / 3.0, within(1e-15));
        assertThat(r.recall()).isEqualTo(1.0);
        assertThat(r.f1()).isCloseTo(0.8, within(1e-15));
        assertThat(r.alertRate()).isCloseTo(0.6, within(1e-15));
        assertThat(r.toMap()).containsKeys("pr_auc", "roc_auc", "f1", "threshold");
    }

    @Test
    void theThresholdOfMaximumF1() {
        // F1 by threshold: 0.9 -> 2/3, 0.8 -> 1/2, 0.7 -> 4/5, 0.6 -> 2/3, 0.5 -> 4/7.
        assertThat(BinaryMetrics.maxF1Threshold(SCORES, LABELS)).isEqualTo(0.7);
        // Equal F1: the higher threshold, fewer alerts.
        double[] s = {0.9, 0.8, 0.7, 0.6};
        boolean[] y = {true, false, false, true};
        // 0.9: P 1, R 1/2 -> 2/3; 0.6: P 1/2, R 1 -> 2/3.
        assertThat(BinaryMetrics.maxF1Threshold(s, y)).isEqualTo(0.9);
    }

    @Test
    void withoutPositivesTheRankingMetricsAreUndefined() {
        double[] s = {0.3, 0.2, 0.1};
        boolean[] none = {false, false, false};
        assertThat(BinaryMetrics.averagePrecision(s, none)).isNaN();
        assertThat(BinaryMetrics.rocAuc(s, none)).isNaN();
        BinaryMetrics.Result r = BinaryMetrics.evaluate(s, none, 0.2);
        assertThat(r.positiveRate()).isZero();
        assertThat(r.precision()).isZero();
        assertThat(r.recall()).isNaN();
        assertThat(r.f1()).isZero();
        assertThat(r.toMap()).doesNotContainKeys("pr_auc", "roc_auc", "recall");
        assertThatThrownBy(() -> BinaryMetrics.maxF1Threshold(s, none))
                .isInstanceOf(DatasetException.class);
    }

    @Test
    void missingBaselineScoresRankLowestAndTied() {
        double[] s = BinaryMetrics.missingAsLowest(new double[] {Double.NaN, 0.2, Double.NaN});
        assertThat(s).containsExactly(Double.NEGATIVE_INFINITY, 0.2, Double.NEGATIVE_INFINITY);
        assertThat(BinaryMetrics.rocAuc(s, new boolean[] {true, false, false})).isEqualTo(0.25);
        assertThatThrownBy(
                        () -> BinaryMetrics.rocAuc(new double[] {Double.NaN}, new boolean[] {true}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void quantileInterpolatesLinearlyBetweenOrderStatistics() {
        assertThat(Quantiles.linear(new double[] {4, 1, 3, 2}, 0.9)).isCloseTo(3.7, within(1e-15));
        assertThat(Quantiles.linear(new double[] {5}, 0.9)).isEqualTo(5);
        assertThat(Quantiles.linear(new double[] {1, 2, 3}, 1.0)).isEqualTo(3);
        assertThat(Quantiles.linear(new double[] {1, 2, 3}, 0.5)).isEqualTo(2);
    }
}

package dev.cvd.training;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ranking and decision metrics of a score against binary labels, with scikit-learn's definitions.
 *
 * <p>Scores are ranked in descending order and tied scores form one threshold: they are counted
 * together, never in an order that would favour either class. A row is predicted positive when
 * {@code score >= threshold}. Scores must not be NaN (callers map a missing score to the lowest
 * value, see {@link #missingAsLowest}). Stateless.
 */
public final class BinaryMetrics {

    private BinaryMetrics() {}

    /**
     * The metrics of one score on one set of rows.
     *
     * @param rows number of rows
     * @param positives rows labelled positive (spikes)
     * @param positiveRate positives / rows, the base rate of spikes
     * @param prAuc average precision (PR-AUC); NaN if there are no positives
     * @param rocAuc area under the ROC curve; NaN if there are no positives or no negatives
     * @param threshold the decision threshold used below
     * @param precision TP / (TP + FP) at the threshold; 0 if nothing is predicted positive
     * @param recall TP / (TP + FN) at the threshold; NaN if there are no positives
     * @param f1 2 TP / (2 TP + FP + FN) at the threshold; 0 if TP is 0
     * @param alertRate rows predicted positive / rows
     */
    public record Result(
            long rows,
            long positives,
            double positiveRate,
            double prAuc,
            double rocAuc,
            double threshold,
            double precision,
            double recall,
            double f1,
            double alertRate) {

        /**
         * @return the metrics by their snake_case names, in a stable order, NaN values left out
         */
        public Map<String, Double> toMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("rows", (double) rows);
            m.put("positives", (double) positives);
            m.put("positive_rate", positiveRate);
            m.put("pr_auc", prAuc);
            m.put("roc_auc", rocAuc);
            m.put("threshold", threshold);
            m.put("precision", precision);
            m.put("recall", recall);
            m.put("f1", f1);
            m.put("alert_rate", alertRate);
            m.values().removeIf(v -> Double.isNaN(v));
            return m;
        }
    }

    /**
     * A precision-recall curve: one point per distinct score, scores descending.
     *
     * @param thresholds the distinct scores, descending
     * @param precision precision when predicting {@code score >= thresholds[k]}
     * @param recall recall at the same thresholds
     */
    public record Curve(double[] thresholds, double[] precision, double[] recall) {}

    /**
     * Computes every metric at one threshold.
     *
     * @param threshold the decision threshold; NaN when there is none, which leaves precision,
     *     recall, F1 and alert rate NaN
     */
    public static Result evaluate(double[] scores, boolean[] labels, double threshold) {
        check(scores, labels);
        int n = scores.length;
        long p = 0;
        long tp = 0;
        long fp = 0;
        for (int i = 0; i < n; i++) {
            boolean predicted = scores[i] >= threshold;
            if (labels[i]) {
                p++;
                if (predicted) {
                    tp++;
                }
            } else if (predicted) {
                fp++;
            }
        }
        long fn = p - tp;
        if (Double.isNaN(threshold)) {
            return new Result(
                    n,
                    p,
                    n > 0 ? p / (double) n : Double.NaN,
                    averagePrecision(scores, labels),
                    rocAuc(scores, labels),
                    threshold,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN);
        }
        double precision = tp + fp > 0 ? tp / (double) (tp + fp) : 0.0;
        double recall = p > 0 ? tp / (double) p : Double.NaN;
        double f1 = tp > 0 ? 2.0 * tp / (2.0 * tp + fp + fn) : 0.0;
        return new Result(
                n,
                p,
                n > 0 ? p / (double) n : Double.NaN,
                averagePrecision(scores, labels),
                rocAuc(scores, labels),
                threshold,
                precision,
                recall,
                f1,
                n > 0 ? (tp + fp) / (double) n : Double.NaN);
    }

    /**
     * Average precision, scikit-learn's {@code average_precision_score}: {@code sum_k (R_k -
     * R_{k-1}) P_k} over the distinct thresholds in descending order, with {@code R_0 = 0}. No
     * interpolation.
     *
     * @return AP in [0, 1], NaN if there are no positives
     */
    public static double averagePrecision(double[] scores, boolean[] labels) {
        Curve c = precisionRecallCurve(scores, labels);
        if (c.thresholds.length == 0 || Double.isNaN(c.recall[0])) {
            return Double.NaN;
        }
        double ap = 0.0;
        double prevRecall = 0.0;
        for (int k = 0; k < c.thresholds.length; k++) {
            ap += (c.recall[k] - prevRecall) * c.precision[k];
            prevRecall = c.recall[k];
        }
        return ap;
    }

    /**
     * Area under the ROC curve by the Mann-Whitney statistic with mid-ranks for ties: the
     * probability that a random positive scores above a random negative, ties counting one half.
     * Equals the trapezoidal area under the ROC curve.
     *
     * @return AUC in [0, 1], NaN if either class is absent
     */
    public static double rocAuc(double[] scores, boolean[] labels) {
        check(scores, labels);
        int n = scores.length;
        Integer[] order = ascending(scores);
        long positives = 0;
        double positiveRankSum = 0.0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double midRank = (i + j) / 2.0 + 1.0; // ranks are 1-based
            for (int k = i; k <= j; k++) {
                if (labels[order[k]]) {
                    positives++;
                    positiveRankSum += midRank;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0)
                / ((double) positives * negatives);
    }

    /**
     * The precision-recall curve, one point per distinct score (scikit-learn's {@code
     * precision_recall_curve} without its final (recall 0, precision 1) point). Recall is NaN where
     * there are no positives.
     */
    public static Curve precisionRecallCurve(double[] scores, boolean[] labels) {
        check(scores, labels);
        int n = scores.length;
        Integer[] order = ascending(scores);
        long positives = 0;
        for (boolean y : labels) {
            if (y) {
                positives++;
            }
        }
        double[] thresholds = new double[n];
        double[] precision = new double[n];
        double[] recall = new double[n];
        int points = 0;
        long tp = 0;
        long fp = 0;
        int i = n - 1;
        while (i >= 0) {
            double s = scores[order[i]];
            while (i >= 0 && scores[order[i]] == s) {
                if (labels[order[i]]) {
                    tp++;
                } else {
                    fp++;
                }
                i--;
            }
            thresholds[points] = s;
            precision[points] = tp / (double) (tp + fp);
            recall[points] = positives > 0 ? tp / (double) positives : Double.NaN;
            points++;
        }
        return new Curve(
                Arrays.copyOf(thresholds, points),
                Arrays.copyOf(precision, points),
                Arrays.copyOf(recall, points));
    }

    /**
     * The threshold of maximum F1: the distinct score {@code s} that maximizes F1 of {@code score
     * >= s}; among equal F1, the highest such score (fewer alerts).
     *
     * @throws DatasetException if there are no positives
     */
    public static double maxF1Threshold(double[] scores, boolean[] labels) {
        Curve c = precisionRecallCurve(scores, labels);
        if (c.thresholds.length == 0 || Double.isNaN(c.recall[0])) {
            throw new DatasetException("no positive rows to choose a threshold on");
        }
        double best = -1;
        double threshold = c.thresholds[0];
        for (int k = 0; k < c.thresholds.length; k++) {
            double p = c.precision[k];
            double r = c.recall[k];
            double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0.0;
            if (f1 > best) {
                best = f1;
                threshold = c.thresholds[k];
            }
        }
        return threshold;
    }

    /**
     * Replaces NaN scores by {@code -Infinity}: rows without a score rank lowest, all tied, and
     * stay in the evaluation so that every score is compared on the same rows.
     *
     * @return a new array
     */
    public static double[] missingAsLowest(double[] scores) {
        double[] out = scores.clone();
        for (int i = 0; i < out.length; i++) {
            if (Double.isNaN(out[i])) {
                out[i] = Double.NEGATIVE_INFINITY;
            }
        }
        return out;
    }

    private static Integer[] ascending(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        return order;
    }

    private static void check(double[] scores, boolean[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(
                    "scores and labels differ in length: "
                            + scores.length
                            + " vs "
                            + labels.length);
        }
        for (double s : scores) {
            if (Double.isNaN(s)) {
                throw new IllegalArgumentException("NaN score: map missing scores first");
            }
        }
    }
}

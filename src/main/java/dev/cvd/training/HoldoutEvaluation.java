package dev.cvd.training;

import dev.cvd.features.FeatureContract;
import dev.cvd.scoring.ModelMeta;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a trained model on rows it has not seen, next to the persistence baseline on the very
 * same rows. Everything that defines the task comes from the bundle: tau (never recomputed from the
 * new data), the model's decision threshold, and the baseline's threshold chosen on the training
 * run's validation split ({@code metrics.baseline_validation.threshold}).
 */
public final class HoldoutEvaluation {

    /** Scores rows given in the model's column order. */
    @FunctionalInterface
    public interface Scorer {
        /**
         * @param rows rows in model column order, NaN for missing
         * @param out receives one probability per row
         */
        void probabilities(double[][] rows, double[] out);
    }

    /**
     * The evaluation of one dataset.
     *
     * @param firstMicros first row time
     * @param lastMicros last row time
     * @param model the model's metrics at the bundle's threshold
     * @param baseline the baseline's metrics at its own threshold from the bundle (threshold
     *     metrics NaN when the bundle has none)
     */
    public record Result(
            int rows,
            long unlabelled,
            long firstMicros,
            long lastMicros,
            double tau,
            BinaryMetrics.Result model,
            BinaryMetrics.Result baseline) {}

    private HoldoutEvaluation() {}

    /**
     * @throws DatasetException if the dataset has no labelled rows
     */
    public static Result evaluate(Dataset data, ModelMeta meta, Scorer scorer) {
        int n = data.size();
        if (n == 0) {
            throw new DatasetException(
                    "no labelled rows: the input has "
                            + data.featureRows()
                            + " feature rows, none with a full 60 s ahead in its segment");
        }
        List<String> features = meta.features();
        int[] columns = TrainingRun.columns(features);
        double[][] rows = new double[n][columns.length];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < columns.length; c++) {
                rows[i][c] = data.feature(i, columns[c]);
            }
        }
        double[] p = new double[n];
        scorer.probabilities(rows, p);
        int[] all = TrainingRun.all(n);
        boolean[] y = TrainingRun.spikes(data, all, meta.tau());
        double[] baseline =
                TrainingRun.baselineScores(
                        data, all, FeatureContract.indexOf(TrainingRun.BASELINE_FEATURE));
        return new Result(
                n,
                data.unlabelled(),
                data.timeMicros(0),
                data.timeMicros(n - 1),
                meta.tau(),
                BinaryMetrics.evaluate(p, y, meta.threshold()),
                BinaryMetrics.evaluate(baseline, y, baselineThreshold(meta)));
    }

    /**
     * @return the baseline's threshold stored by the training run, or NaN
     */
    public static double baselineThreshold(ModelMeta meta) {
        Map<String, Double> v = meta.metrics().get("baseline_validation");
        Double t = v == null ? null : v.get("threshold");
        return t == null ? Double.NaN : t;
    }
}

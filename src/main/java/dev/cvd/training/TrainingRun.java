package dev.cvd.training;

import dev.cvd.features.FeatureContract;
import dev.cvd.features.ForwardVolatilityLabeler;
import dev.cvd.market.EventTime;
import dev.cvd.scoring.ModelMeta;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * One training run, from a labelled {@link Dataset} to a model and its metrics: chronological split
 * with purging, tau from the training split, XGBoost training with early stopping on validation,
 * the decision threshold of maximum F1 on validation, and the metrics of the model and of the
 * persistence baseline ({@code rv_60s}) on every split.
 *
 * <p>The baseline gets its own threshold, chosen on validation the same way, so that their F1
 * compare like for like; rows whose {@code rv_60s} is NaN (the first 60 s of a segment) keep their
 * place with the lowest baseline score.
 */
public final class TrainingRun {

    /** tau is this quantile of {@code fwd_rv_60s} over the training split. */
    public static final double TAU_QUANTILE = 0.90;

    /** A split needs at least this many spikes to train on, stop early on or measure. */
    public static final int MIN_POSITIVES = 5;

    /** The persistence baseline's score column. */
    public static final String BASELINE_FEATURE = "rv_60s";

    /** Model plus what the report needs. */
    public record Outcome(
            ModelMeta meta,
            byte[] modelJson,
            XGBoostTrainer.Model model,
            ChronologicalSplit split,
            ChronologicalSplit.Parts parts,
            Map<String, SplitSummary> splits,
            Map<String, BinaryMetrics.Result> modelMetrics,
            Map<String, BinaryMetrics.Result> baselineMetrics,
            BinaryMetrics.Curve testModelCurve,
            BinaryMetrics.Curve testBaselineCurve,
            double baselineThreshold) {}

    /**
     * Rows, time range and spikes of one split.
     *
     * @param firstMicros first row time
     * @param lastMicros last row time
     */
    public record SplitSummary(
            int rows, int purged, long positives, long firstMicros, long lastMicros) {}

    private TrainingRun() {}

    /**
     * Runs the training.
     *
     * @param features the model's columns, contract v1 names in model order
     * @param name model name for the meta
     * @param version model version for the meta
     * @param listener XGBoost round progress, or null
     * @throws DatasetException if the data cannot make a split with enough spikes
     * @throws XGBoostError if XGBoost fails
     */
    public static Outcome run(
            Dataset data,
            List<String> features,
            ChronologicalSplit split,
            TrainingParams params,
            String name,
            String version,
            XGBoostTrainer.RoundListener listener)
            throws XGBoostError {
        Objects.requireNonNull(data, "data");
        if (data.size() == 0) {
            throw new DatasetException(
                    "no labelled rows: the input has "
                            + data.featureRows()
                            + " feature rows, none with a full 60 s ahead in its segment");
        }
        int[] columns = columns(features);
        long[] times = new long[data.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = data.timeMicros(i);
        }
        ChronologicalSplit.Parts parts = split.apply(times);

        double[] trainLabels = new double[parts.train().length];
        for (int i = 0; i < trainLabels.length; i++) {
            trainLabels[i] = data.label(parts.train()[i]);
        }
        double tau = Quantiles.linear(trainLabels, TAU_QUANTILE);

        Map<String, int[]> rowsBySplit = new LinkedHashMap<>();
        rowsBySplit.put("train", parts.train());
        rowsBySplit.put("validation", parts.validation());
        rowsBySplit.put("test", parts.test());
        Map<String, SplitSummary> summaries = new LinkedHashMap<>();
        Map<String, boolean[]> spikes = new LinkedHashMap<>();
        for (var e : rowsBySplit.entrySet()) {
            int[] rows = e.getValue();
            boolean[] y = spikes(data, rows, tau);
            long positives = count(y);
            if (positives < MIN_POSITIVES) {
                throw new DatasetException(
                        String.format(
                                "too few spikes in the %s split: %d of %d rows (need %d); give"
                                        + " more data or other --split fractions",
                                e.getKey(), positives, rows.length, MIN_POSITIVES));
            }
            int purged =
                    e.getKey().equals("train")
                            ? parts.purgedTrain()
                            : e.getKey().equals("validation") ? parts.purgedValidation() : 0;
            summaries.put(
                    e.getKey(),
                    new SplitSummary(
                            rows.length,
                            purged,
                            positives,
                            data.timeMicros(rows[0]),
                            data.timeMicros(rows[rows.length - 1])));
            spikes.put(e.getKey(), y);
        }

        XGBoostTrainer.Model model =
                XGBoostTrainer.train(
                        matrix(data, parts.train(), columns),
                        asFloats(spikes.get("train")),
                        matrix(data, parts.validation(), columns),
                        asFloats(spikes.get("validation")),
                        features,
                        params,
                        listener);

        Map<String, double[]> modelScores = new LinkedHashMap<>();
        Map<String, double[]> baselineScores = new LinkedHashMap<>();
        int baselineColumn = FeatureContract.indexOf(BASELINE_FEATURE);
        for (var e : rowsBySplit.entrySet()) {
            modelScores.put(
                    e.getKey(),
                    XGBoostTrainer.predict(
                            model.modelJson(),
                            matrix(data, e.getValue(), columns),
                            columns.length));
            baselineScores.put(e.getKey(), baselineScores(data, e.getValue(), baselineColumn));
        }
        double threshold =
                BinaryMetrics.maxF1Threshold(
                        modelScores.get("validation"), spikes.get("validation"));
        double baselineThreshold =
                BinaryMetrics.maxF1Threshold(
                        baselineScores.get("validation"), spikes.get("validation"));

        Map<String, BinaryMetrics.Result> modelMetrics = new LinkedHashMap<>();
        Map<String, BinaryMetrics.Result> baselineMetrics = new LinkedHashMap<>();
        Map<String, Map<String, Double>> metaMetrics = new LinkedHashMap<>();
        for (String s : rowsBySplit.keySet()) {
            BinaryMetrics.Result m =
                    BinaryMetrics.evaluate(modelScores.get(s), spikes.get(s), threshold);
            modelMetrics.put(s, m);
            metaMetrics.put(s, m.toMap());
        }
        for (String s : rowsBySplit.keySet()) {
            BinaryMetrics.Result b =
                    BinaryMetrics.evaluate(baselineScores.get(s), spikes.get(s), baselineThreshold);
            baselineMetrics.put(s, b);
            metaMetrics.put("baseline_" + s, b.toMap());
        }

        Map<String, Object> metaParams = new LinkedHashMap<>(params.toMetaParams());
        metaParams.put("best_round", model.bestRound());
        metaParams.put("split", split.toString());
        metaParams.put("tau_quantile", TAU_QUANTILE);
        metaParams.put("threshold_rule", "max_f1_validation");
        metaParams.put("baseline", BASELINE_FEATURE);

        SplitSummary train = summaries.get("train");
        ModelMeta meta =
                new ModelMeta(
                        ModelMeta.BUNDLE_FORMAT,
                        name,
                        version,
                        FeatureContract.VERSION,
                        features,
                        "model.json",
                        "binary:logistic",
                        ForwardVolatilityLabeler.LABEL,
                        ForwardVolatilityLabeler.HORIZON_S,
                        tau,
                        threshold,
                        EventTime.format(train.firstMicros()),
                        EventTime.format(train.lastMicros()),
                        data.fingerprint(),
                        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                        metaParams,
                        metaMetrics);
        return new Outcome(
                meta,
                model.modelJson(),
                model,
                split,
                parts,
                summaries,
                modelMetrics,
                baselineMetrics,
                BinaryMetrics.precisionRecallCurve(modelScores.get("test"), spikes.get("test")),
                BinaryMetrics.precisionRecallCurve(baselineScores.get("test"), spikes.get("test")),
                baselineThreshold);
    }

    /**
     * @return contract column indices of the feature names
     * @throws IllegalArgumentException for an unknown or repeated name
     */
    public static int[] columns(List<String> features) {
        if (features.isEmpty()) {
            throw new IllegalArgumentException("no features selected");
        }
        int[] columns = new int[features.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = FeatureContract.indexOf(features.get(i));
            if (features.subList(0, i).contains(features.get(i))) {
                throw new IllegalArgumentException("feature listed twice: " + features.get(i));
            }
        }
        return columns;
    }

    /** Spike labels {@code fwd_rv_60s >= tau} of some rows. */
    public static boolean[] spikes(Dataset data, int[] rows, double tau) {
        boolean[] y = new boolean[rows.length];
        for (int i = 0; i < rows.length; i++) {
            y[i] = data.label(rows[i]) >= tau;
        }
        return y;
    }

    /** The baseline's scores: {@code rv_60s}, NaN mapped to the lowest score. */
    public static double[] baselineScores(Dataset data, int[] rows, int column) {
        double[] s = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            s[i] = data.feature(rows[i], column);
        }
        return BinaryMetrics.missingAsLowest(s);
    }

    /** Row-major float32 features of some rows, in the given column order. */
    public static float[] matrix(Dataset data, int[] rows, int[] columns) {
        float[] x = new float[rows.length * columns.length];
        int k = 0;
        for (int row : rows) {
            for (int c : columns) {
                double v = data.feature(row, c);
                // XGBoost4J rejects infinities; no v1 feature is infinite, but be safe.
                x[k++] = Double.isInfinite(v) ? Float.NaN : (float) v;
            }
        }
        return x;
    }

    /**
     * @return the indices 0..n-1
     */
    public static int[] all(int n) {
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        return rows;
    }

    static long count(boolean[] y) {
        long c = 0;
        for (boolean b : y) {
            if (b) {
                c++;
            }
        }
        return c;
    }

    private static float[] asFloats(boolean[] y) {
        float[] f = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            f[i] = y[i] ? 1f : 0f;
        }
        return f;
    }
}

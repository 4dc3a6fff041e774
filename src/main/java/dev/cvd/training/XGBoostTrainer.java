package dev.cvd.training;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains a {@code binary:logistic} XGBoost model with XGBoost4J, round by round, with early
 * stopping on the validation rows' {@code aucpr}.
 *
 * <p>Each round is one {@link Booster#update} call followed by an evaluation of the validation set
 * (XGBoost keeps the validation margins cached, so this costs one tree's worth of prediction).
 * Whenever validation PR-AUC improves strictly, the model is serialized as JSON; the result is the
 * model of the best round, exactly as it was after that round. With a fixed seed and thread count,
 * the same input gives byte-identical model JSON.
 *
 * <p>Feature matrices are row-major float32 with NaN for missing values (XGBoost's own precision).
 * Native handles are disposed before returning.
 */
public final class XGBoostTrainer {

    /** Called after each boosting round, on the training thread. */
    @FunctionalInterface
    public interface RoundListener {
        /**
         * @param round rounds done so far (1-based)
         * @param maxRounds the round limit
         * @param validationAucpr validation PR-AUC after this round, as XGBoost computes it
         */
        void onRound(int round, int maxRounds, double validationAucpr);
    }

    /**
     * A trained model.
     *
     * @param modelJson the model of the best round, as XGBoost4J saves it in JSON
     * @param bestRound number of rounds (trees) in the saved model
     * @param roundsRun rounds trained before stopping
     * @param bestValidationAucpr validation {@code aucpr} of the saved model
     * @param gain average gain per feature name (XGBoost's {@code gain} importance); features the
     *     model never splits on are absent
     * @param totalGain total gain per feature name ({@code total_gain})
     */
    public record Model(
            byte[] modelJson,
            int bestRound,
            int roundsRun,
            double bestValidationAucpr,
            Map<String, Double> gain,
            Map<String, Double> totalGain) {}

    private XGBoostTrainer() {}

    /**
     * Trains a model.
     *
     * @param train training features, row-major, {@code features.size()} columns
     * @param trainLabels 0 or 1 per training row
     * @param validation validation features, same layout
     * @param validationLabels 0 or 1 per validation row
     * @param features column names, in column order
     * @param listener progress, or null
     * @throws XGBoostError if XGBoost fails
     */
    public static Model train(
            float[] train,
            float[] trainLabels,
            float[] validation,
            float[] validationLabels,
            List<String> features,
            TrainingParams params,
            RoundListener listener)
            throws XGBoostError {
        int ncol = features.size();
        String[] names = features.toArray(String[]::new);
        DMatrix dtrain = matrix(train, trainLabels, ncol, names);
        DMatrix dval = null;
        Booster booster = null;
        Booster best = null;
        try {
            dval = matrix(validation, validationLabels, ncol, names);
            Map<String, DMatrix> noWatches = new HashMap<>();
            booster = XGBoost.train(dtrain, params.xgboostParams(), 0, noWatches, null, null);
            DMatrix[] evalSets = {dval};
            String[] evalNames = {"validation"};
            byte[] bestBytes = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            int bestRound = 0;
            int round = 0;
            while (round < params.rounds()) {
                booster.update(dtrain, round);
                String eval = booster.evalSet(evalSets, evalNames, round);
                round++;
                double aucpr = parseMetric(eval);
                if (aucpr > bestScore) {
                    bestScore = aucpr;
                    bestRound = round;
                    bestBytes = booster.toByteArray("json");
                }
                if (listener != null) {
                    listener.onRound(round, params.rounds(), aucpr);
                }
                if (round - bestRound >= params.earlyStoppingRounds()) {
                    break;
                }
            }
            best = XGBoost.loadModel(bestBytes);
            Map<String, Double> gain = sorted(best.getScore(names, "gain"));
            Map<String, Double> totalGain = sorted(best.getScore(names, "total_gain"));
            return new Model(bestBytes, bestRound, round, bestScore, gain, totalGain);
        } catch (java.io.IOException e) {
            throw new XGBoostError("cannot reload the best model: " + e.getMessage());
        } finally {
            dtrain.dispose();
            if (dval != null) {
                dval.dispose();
            }
            if (booster != null) {
                booster.dispose();
            }
            if (best != null) {
                best.dispose();
            }
        }
    }

    /**
     * Predicts probabilities with a model saved by XGBoost4J or Python XGBoost.
     *
     * @param modelBytes the model file's content (JSON or UBJ)
     * @param rows row-major features, {@code ncol} columns, NaN for missing
     * @return one probability per row
     */
    public static double[] predict(byte[] modelBytes, float[] rows, int ncol) throws XGBoostError {
        Booster booster;
        try {
            booster = XGBoost.loadModel(modelBytes);
        } catch (java.io.IOException e) {
            throw new XGBoostError("cannot load the model: " + e.getMessage());
        }
        DMatrix m = null;
        try {
            m = new DMatrix(rows, rows.length / ncol, ncol, Float.NaN);
            float[][] p = booster.predict(m);
            double[] out = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                out[i] = p[i][0];
            }
            return out;
        } finally {
            if (m != null) {
                m.dispose();
            }
            booster.dispose();
        }
    }

    private static DMatrix matrix(float[] x, float[] y, int ncol, String[] names)
            throws XGBoostError {
        DMatrix m = new DMatrix(x, x.length / ncol, ncol, Float.NaN);
        m.setLabel(y);
        m.setFeatureNames(names);
        return m;
    }

    /** Reads the value of {@code "[12]\tvalidation-aucpr:0.4321"}. */
    static double parseMetric(String eval) {
        int colon = eval.lastIndexOf(':');
        return Double.parseDouble(eval.substring(colon + 1).trim());
    }

    private static Map<String, Double> sorted(Map<String, Double> scores) {
        Map<String, Double> out = new LinkedHashMap<>();
        scores.entrySet().stream()
                .sorted(
                        (a, b) -> {
                            int c = Double.compare(b.getValue(), a.getValue());
                            return c != 0 ? c : a.getKey().compareTo(b.getKey());
                        })
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}

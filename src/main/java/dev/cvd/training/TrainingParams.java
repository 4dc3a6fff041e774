package dev.cvd.training;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * XGBoost hyperparameters and the run's determinism settings.
 *
 * @param maxDepth maximum tree depth
 * @param eta learning rate
 * @param rounds maximum boosting rounds
 * @param earlyStoppingRounds stop when validation PR-AUC ({@code aucpr}) has not improved for this
 *     many rounds; the model keeps the best round
 * @param minChildWeight minimum hessian sum in a leaf
 * @param subsample row fraction per tree
 * @param colsampleBytree feature fraction per tree
 * @param scalePosWeight weight of positive rows
 * @param lambda L2 regularisation of leaf weights
 * @param maxBin histogram bins per feature ({@code tree_method=hist})
 * @param seed random seed (subsampling)
 * @param nthread threads; fixed so that a run is reproducible byte for byte
 */
public record TrainingParams(
        int maxDepth,
        double eta,
        int rounds,
        int earlyStoppingRounds,
        double minChildWeight,
        double subsample,
        double colsampleBytree,
        double scalePosWeight,
        double lambda,
        int maxBin,
        long seed,
        int nthread) {

    /**
     * Shallow trees, large leaves, a slow rate and row / column subsampling: labels of consecutive
     * rows overlap and spikes cluster in time, so a flexible model memorizes the training hours.
     * The same defaults as {@code cvd train}.
     */
    public static final TrainingParams DEFAULTS =
            new TrainingParams(3, 0.03, 400, 40, 200, 0.8, 0.8, 1.0, 1.0, 256, 42, 1);

    public TrainingParams {
        require(maxDepth >= 1 && maxDepth <= 16, "--max-depth must be in 1..16");
        require(eta > 0 && eta <= 1, "--eta must be in (0, 1]");
        require(rounds >= 1, "--rounds must be at least 1");
        require(earlyStoppingRounds >= 1, "--early-stopping must be at least 1");
        require(minChildWeight >= 0, "--min-child-weight must be >= 0");
        require(subsample > 0 && subsample <= 1, "--subsample must be in (0, 1]");
        require(colsampleBytree > 0 && colsampleBytree <= 1, "--colsample must be in (0, 1]");
        require(scalePosWeight > 0, "--scale-pos-weight must be > 0");
        require(lambda >= 0, "--lambda must be >= 0");
        require(maxBin >= 2, "--max-bin must be at least 2");
        require(nthread >= 1, "--nthread must be at least 1");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * @return the XGBoost parameter map: {@code binary:logistic}, {@code hist}, {@code aucpr}
     */
    public Map<String, Object> xgboostParams() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("objective", "binary:logistic");
        p.put("tree_method", "hist");
        p.put("eval_metric", "aucpr");
        p.put("max_depth", maxDepth);
        p.put("eta", eta);
        p.put("min_child_weight", minChildWeight);
        p.put("subsample", subsample);
        p.put("colsample_bytree", colsampleBytree);
        p.put("scale_pos_weight", scalePosWeight);
        p.put("lambda", lambda);
        p.put("max_bin", maxBin);
        p.put("seed", seed);
        p.put("nthread", nthread);
        p.put("verbosity", 0);
        return p;
    }

    /**
     * @return the parameters as stored in the bundle's meta: XGBoost's names plus {@code rounds}
     *     and {@code early_stopping_rounds}
     */
    public Map<String, Object> toMetaParams() {
        Map<String, Object> p = xgboostParams();
        p.remove("verbosity");
        p.put("rounds", rounds);
        p.put("early_stopping_rounds", earlyStoppingRounds);
        return p;
    }
}

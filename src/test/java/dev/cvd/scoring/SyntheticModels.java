package dev.cvd.scoring;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains small XGBoost4J models on a synthetic, seeded data set with missing values, for parity
 * tests and benchmarks. Columns have mixed scales and some are integer counts, so that many rows
 * tie with split thresholds; the label depends on several columns and on missingness.
 */
final class SyntheticModels {

    private SyntheticModels() {}

    /**
     * @return {@code rows x cols} float32 values, row-major, about {@code nanRate} of them NaN
     */
    static float[] features(int rows, int cols, double nanRate, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double v;
                if (random.nextDouble() < nanRate) {
                    v = Double.NaN;
                } else if (c % 4 == 3) {
                    v = random.nextInt(20);
                } else {
                    v = gaussian(random) * Math.pow(10, c % 5 - 2);
                }
                x[r * cols + c] = (float) v;
            }
        }
        return x;
    }

    /** A noisy nonlinear label; NaN in column 4 pushes towards the positive class. */
    static float[] labels(float[] x, int rows, int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double z =
                    2 * nz(x[o]) / 0.01
                            - nz(x[o + 1]) * nz(x[o + 2]) / 0.1
                            + Math.sin(nz(x[o + 3]))
                            + (Float.isNaN(x[o + 4]) ? 1.0 : -0.3)
                            + 0.5 * gaussian(random);
            y[r] = z > 0.8 ? 1f : 0f;
        }
        return y;
    }

    /**
     * Trains a binary:logistic model with the hist method.
     *
     * @param extra parameters added to (or replacing) the defaults
     */
    static Booster train(int rows, int cols, int rounds, Map<String, Object> extra, long seed)
            throws XGBoostError {
        float[] x = features(rows, cols, 0.1, seed);
        DMatrix train = new DMatrix(x, rows, cols, Float.NaN);
        try {
            train.setLabel(labels(x, rows, cols, seed));
            Map<String, Object> params = new HashMap<>();
            params.put("objective", "binary:logistic");
            params.put("tree_method", "hist");
            params.put("eta", 0.2);
            params.put("max_depth", 4);
            params.put("seed", (int) seed);
            params.put("nthread", 2);
            params.put("verbosity", 0);
            params.putAll(extra);
            return XGBoost.train(train, params, rounds, Map.of(), null, null);
        } finally {
            train.dispose();
        }
    }

    /** Saves a booster as {@code name.json} and {@code name.ubj} in a folder. */
    static void save(Booster booster, Path dir, String name) throws XGBoostError {
        booster.saveModel(dir.resolve(name + ".json").toString());
        booster.saveModel(dir.resolve(name + ".ubj").toString());
    }

    private static double nz(float v) {
        return Float.isNaN(v) ? 0 : v;
    }

    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}

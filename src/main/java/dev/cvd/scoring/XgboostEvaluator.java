package dev.cvd.scoring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.Booster.PredictionType;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The {@link Evaluator} backed by XGBoost4J's native {@link Booster}, through its in-place dense
 * prediction (no {@code DMatrix} per call). Kept for comparison and as a fallback; the pure-Java
 * {@link PureJavaEvaluator} gives the same margins and is much cheaper per single row (a native
 * call costs tens of microseconds whatever the model size; batches amortize it).
 *
 * <p>Inputs are converted to float32 as XGBoost does. XGBoost refuses infinite inputs, so ±Infinity
 * (and doubles beyond the float range) are passed as ±{@link Float#MAX_VALUE}: every split on a
 * finite threshold then goes the same way as it does for ±Infinity in {@link TreeEnsemble} (the two
 * differ only for a threshold of exactly -{@code Float.MAX_VALUE}, which XGBoost's histogram cuts
 * do not produce). NaN is the missing value.
 *
 * <p>Each prediction runs on the calling thread ({@code nthread=1}): OpenMP worker threads cost
 * more than they save for single rows and fight the other stages for cores; scale out with threads.
 *
 * <p>Thread-safe: predictions may run concurrently (XGBoost's prediction is thread-safe); {@link
 * #close()} waits for running predictions and frees the native booster, after which calls throw
 * {@link IllegalStateException}. Each call allocates its float input and output arrays.
 */
public final class XgboostEvaluator implements Evaluator {

    private static final int[] ALL_TREES = {0, 0};

    private final Booster booster;
    private final int featureCount;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private XgboostEvaluator(Booster booster, int featureCount) {
        this.booster = booster;
        this.featureCount = featureCount;
    }

    /**
     * Loads a model file with XGBoost4J. The file is first read by {@link TreeEnsemble#load(Path)},
     * so that an unsupported model is refused with the same messages as the pure-Java evaluator.
     *
     * @param file a {@code .json} or {@code .ubj} model file
     * @return the evaluator; close it to free the native booster
     * @throws InvalidModelException if the model is refused or XGBoost cannot load it
     */
    public static XgboostEvaluator load(Path file) throws InvalidModelException {
        TreeEnsemble ensemble = TreeEnsemble.load(file);
        return load(file, ensemble.featureCount());
    }

    static XgboostEvaluator load(Path file, int featureCount) throws InvalidModelException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidModelException(file.getFileName() + ": missing (" + file + ")");
        }
        try {
            Booster booster = XGBoost.loadModel(file.toString());
            try {
                booster.setParam("nthread", "1");
            } catch (XGBoostError e) {
                booster.dispose();
                throw e;
            }
            return new XgboostEvaluator(booster, featureCount);
        } catch (XGBoostError e) {
            throw new InvalidModelException(
                    file.getFileName() + ": XGBoost cannot load it: " + e.getMessage(), e);
        }
    }

    @Override
    public int featureCount() {
        return featureCount;
    }

    @Override
    public float margin(double[] row) {
        return predict(new double[][] {row}, PredictionType.kMargin)[0][0];
    }

    @Override
    public double probability(double[] row) {
        return predict(new double[][] {row}, PredictionType.kValue)[0][0];
    }

    @Override
    public void margins(double[][] rows, float[] out) {
        checkBatch(rows.length, out.length);
        float[][] predictions = predict(rows, PredictionType.kMargin);
        for (int i = 0; i < rows.length; i++) {
            out[i] = predictions[i][0];
        }
    }

    @Override
    public void probabilities(double[][] rows, double[] out) {
        checkBatch(rows.length, out.length);
        float[][] predictions = predict(rows, PredictionType.kValue);
        for (int i = 0; i < rows.length; i++) {
            out[i] = predictions[i][0];
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                booster.dispose();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private float[][] predict(double[][] rows, PredictionType type) {
        if (rows.length == 0) {
            return new float[0][];
        }
        float[] data = new float[rows.length * featureCount];
        for (int r = 0; r < rows.length; r++) {
            double[] row = rows[r];
            if (row.length < featureCount) {
                throw new IllegalArgumentException(
                        "row "
                                + r
                                + " has "
                                + row.length
                                + " values, the model reads "
                                + featureCount);
            }
            int base = r * featureCount;
            for (int c = 0; c < featureCount; c++) {
                data[base + c] = clampInfinite((float) row[c]);
            }
        }
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the XGBoost evaluator is closed");
            }
            return booster.inplace_predict(
                    data, rows.length, featureCount, Float.NaN, ALL_TREES, type, null);
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost prediction failed: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** ±Infinity becomes ±Float.MAX_VALUE (see the class comment); NaN stays missing. */
    private static float clampInfinite(float x) {
        if (x == Float.POSITIVE_INFINITY) {
            return Float.MAX_VALUE;
        }
        if (x == Float.NEGATIVE_INFINITY) {
            return -Float.MAX_VALUE;
        }
        return x;
    }

    private static void checkBatch(int rows, int out) {
        if (out < rows) {
            throw new IllegalArgumentException(
                    "output has room for " + out + " values, " + rows + " rows given");
        }
    }
}

package dev.cvd.scoring.stage;

import dev.cvd.features.FeatureContract;
import dev.cvd.scoring.ModelMeta;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Small model bundles for tests: an XGBoost4J model trained on seeded synthetic contract rows,
 * saved as {@code model.json} with its {@code model.meta.json}. Files are written next to the
 * bundle folder first and moved in, so a watcher never sees half a file.
 */
public final class TestBundles {

    /** The model's columns: contract v1 names, deliberately not in contract order. */
    public static final List<String> FEATURES =
            List.of(
                    "rv_60s",
                    "ret_1s",
                    "spread_bps",
                    "obi",
                    "rv_300s",
                    "trade_rate_30s",
                    "dt_prev_s",
                    "ret_30s");

    public static final String NAME = "cvd-test";
    public static final double THRESHOLD = 0.3;

    private TestBundles() {}

    /** Trains a model with the given seed and writes a bundle of that version into the folder. */
    public static void write(Path dir, String version, long seed) {
        try {
            Files.createDirectories(dir);
            Path staging = Files.createTempDirectory(dir.getParent(), ".staging-");
            Booster booster = train(seed);
            try {
                booster.saveModel(staging.resolve("model.json").toString());
            } finally {
                booster.dispose();
            }
            meta(version).write(staging.resolve(ModelMeta.FILE_NAME));
            moveIn(staging, dir, "model.json");
            moveIn(staging, dir, ModelMeta.FILE_NAME);
            Files.delete(staging);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (XGBoostError e) {
            throw new IllegalStateException(e);
        }
    }

    /** Replaces the bundle's model by a truncated copy and its meta by one of the given version. */
    public static void writeTruncated(Path dir, String version) {
        try {
            byte[] model = Files.readAllBytes(dir.resolve("model.json"));
            Path staging = Files.createTempDirectory(dir.getParent(), ".staging-");
            Files.write(staging.resolve("model.json"), Arrays.copyOf(model, model.length / 2));
            meta(version).write(staging.resolve(ModelMeta.FILE_NAME));
            // The broken model first: meta and model of different versions must never form a
            // valid bundle that a poll could load in between.
            moveIn(staging, dir, "model.json");
            moveIn(staging, dir, ModelMeta.FILE_NAME);
            Files.delete(staging);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A contract v1 row with seeded values, about a tenth of them missing. */
    public static double[] row(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] row = new double[FeatureContract.SIZE];
        for (int i = 0; i < row.length; i++) {
            // The model's columns get the training distribution; the others any value.
            int c = FEATURES.indexOf(FeatureContract.NAMES.get(i));
            row[i] = r.nextInt(10) == 0 ? Double.NaN : value(c < 0 ? i : c, r);
        }
        return row;
    }

    static ModelMeta meta(String version) {
        return new ModelMeta(
                ModelMeta.BUNDLE_FORMAT,
                NAME,
                version,
                FeatureContract.VERSION,
                FEATURES,
                "model.json",
                "binary:logistic",
                "fwd_rv_60s",
                60,
                3.0e-4,
                THRESHOLD,
                "2025-12-01T16:44:46Z",
                "2025-12-01T18:44:46Z",
                "sha256:0000",
                "2026-01-01T00:00:00Z",
                Map.of("rounds", 30),
                Map.of());
    }

    private static void moveIn(Path staging, Path dir, String file) throws IOException {
        Files.move(
                staging.resolve(file),
                dir.resolve(file),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static Booster train(long seed) throws XGBoostError {
        int rows = 2_000;
        int cols = FEATURES.size();
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[rows * cols];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            double z = 0;
            for (int c = 0; c < cols; c++) {
                double v = r.nextInt(12) == 0 ? Double.NaN : value(c, r);
                x[i * cols + c] = (float) v;
                if (!Double.isNaN(v)) {
                    z += (c % 2 == 0 ? 1 : -1) * v / scale(c);
                }
            }
            y[i] = z + r.nextGaussian() > 1.0 ? 1f : 0f;
        }
        DMatrix train = new DMatrix(x, rows, cols, Float.NaN);
        try {
            train.setLabel(y);
            Map<String, Object> params = new HashMap<>();
            params.put("objective", "binary:logistic");
            params.put("tree_method", "hist");
            params.put("max_depth", 3);
            params.put("eta", 0.3);
            params.put("seed", (int) seed);
            params.put("nthread", 1);
            params.put("verbosity", 0);
            return XGBoost.train(train, params, 30, Map.of(), null, null);
        } finally {
            train.dispose();
        }
    }

    private static double value(int column, SplittableRandom r) {
        return r.nextGaussian() * scale(column);
    }

    private static double scale(int column) {
        return Math.pow(10, column % 4 - 3);
    }
}

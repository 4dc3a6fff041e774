package dev.cvd.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvd.features.FeatureContract;
import dev.cvd.features.FeatureEngine;
import dev.cvd.ingest.RecordingEvents;
import dev.cvd.market.MarketEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.Booster;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost per row of scoring, in nanoseconds: the pure-Java evaluator against XGBoost4J, one row per
 * call (the streaming case) and batches of {@value #BATCH} rows. Models: the reference model
 * trained by Python XGBoost (300 trees, 20 features, scored on its own sample rows) and a 200-tree,
 * depth-6 model trained here on synthetic data with 10% missing values.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScoringBenchmark {

    static final int BATCH = 1_000;

    /**
     * {@code reference}: 300 trees from Python; {@code synthetic200}: 200 trees from XGBoost4J;
     * {@code bundled}: the shipped {@code models/cvd-spike-v1} on the rows of the bundled
     * recording.
     */
    @Param({"reference", "synthetic200", "bundled"})
    String model;

    private Path dir;
    private TreeEnsemble ensemble;
    private XgboostEvaluator xgboost;
    private double[][] rows;
    private double[][] batch;
    private double[] out;
    private int next;

    @Setup(Level.Trial)
    public void load() throws Exception {
        dir = Files.createTempDirectory("scoring-bench");
        Path file;
        if (model.equals("bundled")) {
            Path bundle = Paths.get("models/cvd-spike-v1");
            file = bundle.resolve("model.json");
            rows =
                    bundledRows(
                            bundle.resolve("model.meta.json"),
                            Paths.get("replay/ticks_BTCUSD_20251201_164446_10min.ndjson.gz"));
        } else if (model.equals("reference")) {
            Path reference = Paths.get(getClass().getResource("/scoring/reference").toURI());
            file = reference.resolve("xgboost_model.json");
            rows = referenceRows(reference.resolve("sample_features.parquet"));
        } else {
            int cols = 12;
            Booster booster = SyntheticModels.train(10_000, cols, 200, Map.of("max_depth", 6), 21);
            try {
                SyntheticModels.save(booster, dir, "model");
            } finally {
                booster.dispose();
            }
            file = dir.resolve("model.json");
            float[] x = SyntheticModels.features(4_096, cols, 0.1, 22);
            rows = new double[4_096][cols];
            for (int r = 0; r < rows.length; r++) {
                for (int c = 0; c < cols; c++) {
                    rows[r][c] = x[r * cols + c];
                }
            }
        }
        ensemble = TreeEnsemble.load(file);
        xgboost = XgboostEvaluator.load(file);
        batch = Arrays.copyOf(rows, BATCH);
        out = new double[BATCH];
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        xgboost.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.delete(p);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        }
    }

    private double[] nextRow() {
        double[] row = rows[next];
        next = next + 1 == rows.length ? 0 : next + 1;
        return row;
    }

    @Benchmark
    public double pureJavaRow() {
        return ensemble.probability(nextRow());
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double[] pureJavaBatch() {
        ensemble.probabilities(batch, out);
        return out;
    }

    @Benchmark
    public double xgboost4jRow() {
        return xgboost.probability(nextRow());
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double[] xgboost4jBatch() {
        xgboost.probabilities(batch, out);
        return out;
    }

    /** The recording's feature rows, reduced to the bundle's features in its order. */
    private static double[][] bundledRows(Path meta, Path recording) throws IOException {
        JsonNode names = new ObjectMapper().readTree(meta.toFile()).get("features");
        int[] columns = new int[names.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = FeatureContract.indexOf(names.get(i).asText());
        }
        List<double[]> rows = new ArrayList<>();
        FeatureEngine engine = new FeatureEngine();
        for (MarketEvent event : RecordingEvents.of(recording)) {
            engine.accept(
                    event,
                    (p, t, v) -> {
                        double[] row = new double[columns.length];
                        for (int i = 0; i < columns.length; i++) {
                            row[i] = v[columns[i]];
                        }
                        rows.add(row);
                    });
        }
        return rows.toArray(double[][]::new);
    }

    private static double[][] referenceRows(Path parquet) throws Exception {
        String[] columns = {
            "ret_mean_10s", "ret_std_10s", "ret_abs_10s", "tick_count_10s", "spread_mean_10s",
            "trade_intensity_10s", "ret_mean_30s", "ret_std_30s", "ret_abs_30s", "tick_count_30s",
            "spread_mean_30s", "trade_intensity_30s", "ret_mean_60s", "ret_std_60s", "ret_abs_60s",
            "tick_count_60s", "spread_mean_60s", "trade_intensity_60s", "spread_bps", "mid_price"
        };
        List<double[]> out = new ArrayList<>();
        String sql =
                "SELECT "
                        + String.join(", ", columns)
                        + " FROM read_parquet('"
                        + parquet.toString().replace("'", "''")
                        + "') ORDER BY ts, product_id";
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = db.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                double[] row = new double[columns.length];
                for (int c = 0; c < row.length; c++) {
                    row[c] = result.getDouble(c + 1);
                }
                out.add(row);
            }
        }
        return out.toArray(double[][]::new);
    }
}

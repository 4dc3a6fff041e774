package dev.cvd.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model trained elsewhere by Python XGBoost 3.x (300 trees, 20 features of its own, base_score
 * "[5E-1]"): every feature row of its published sample, scored here, reproduces its published
 * probability.
 */
class ReferenceModelTest {

    private static final Path DIR = resource("scoring/reference");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    @Test
    void referenceModelLoadsWithItsShape() throws Exception {
        TreeEnsemble model = TreeEnsemble.load(DIR.resolve("xgboost_model.json"));

        assertThat(model.treeCount()).isEqualTo(300);
        assertThat(model.featureCount()).isEqualTo(20);
        assertThat(model.objective()).isEqualTo("binary:logistic");
        assertThat(model.baseScore()).isEqualTo(0.5f);
        assertThat(model.baseMargin()).isEqualTo(0.0f);
        assertThat(model.featureNames()).isEmpty();
    }

    @Test
    void everySampleRowReproducesPythonXgboostProbability() throws Exception {
        TreeEnsemble model = TreeEnsemble.load(DIR.resolve("xgboost_model.json"));
        List<String> columns = featureColumns();
        Map<String, Float> published = publishedProbabilities();
        assertThat(published).hasSize(21_434);

        int rows = 0;
        int joined = 0;
        double maxAbsDiff = 0;
        String sql =
                "SELECT ts, product_id, \""
                        + String.join("\", \"", columns)
                        + "\" FROM read_parquet('"
                        + DIR.resolve("sample_features.parquet").toString().replace("'", "''")
                        + "') ORDER BY ts, product_id";
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = db.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            double[] row = new double[columns.size()];
            while (result.next()) {
                rows++;
                for (int c = 0; c < row.length; c++) {
                    double v = result.getDouble(3 + c);
                    row[c] = result.wasNull() ? Double.NaN : v;
                }
                Float expected = published.get(key(result.getDouble(1), result.getString(2)));
                if (expected == null) {
                    continue;
                }
                joined++;
                maxAbsDiff = Math.max(maxAbsDiff, Math.abs(model.probability(row) - expected));
            }
        }
        assertThat(rows).isEqualTo(5_020);
        assertThat(joined).as("feature rows joined to a prediction").isEqualTo(rows);
        assertThat(maxAbsDiff).as("max |java - python|").isLessThanOrEqualTo(1e-9);
    }

    @Test
    void referenceModelLoadsAsABundleOutsideTheContract() throws Exception {
        Files.copy(DIR.resolve("xgboost_model.json"), tmp.resolve("model.json"));
        double threshold =
                JSON.readTree(DIR.resolve("model_meta.json").toFile())
                        .get("best_threshold")
                        .asDouble();
        new ModelMeta(
                        1,
                        "reference",
                        "1",
                        ModelBundle.NO_CONTRACT,
                        featureColumns(),
                        "model.json",
                        "binary:logistic",
                        "future_vol",
                        60,
                        0.0,
                        threshold,
                        "2026-04-03T00:00:00Z",
                        "2026-04-03T23:59:59Z",
                        "sha256:00",
                        "2026-04-04T00:00:00Z",
                        Map.of(),
                        Map.of())
                .write(tmp.resolve(ModelMeta.FILE_NAME));

        try (ModelBundle bundle = ModelBundle.load(tmp)) {
            double[] row = new double[20];
            row[19] = 66_000.0;
            TreeEnsemble model = TreeEnsemble.load(DIR.resolve("xgboost_model.json"));
            assertThat(bundle.evaluator().probability(row)).isEqualTo(model.probability(row));
            assertThat(bundle.acceptsContractRows()).isFalse();
            assertThat(bundle.isSpike(threshold)).isTrue();
            assertThat(bundle.isSpike(Math.nextDown(threshold))).isFalse();
        }
    }

    /** spike_prob is the shortest decimal of a float32 probability: parse it back to that float. */
    private static Map<String, Float> publishedProbabilities() throws Exception {
        Map<String, Float> out = new HashMap<>();
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(
                                new GZIPInputStream(
                                        Files.newInputStream(DIR.resolve("predictions.csv.gz"))),
                                StandardCharsets.UTF_8))) {
            assertThat(reader.readLine()).isEqualTo("ts,product_id,spike_prob,spike_pred");
            String line;
            while ((line = reader.readLine()) != null) {
                String[] f = line.split(",");
                out.put(key(Double.parseDouble(f[0]), f[1]), Float.parseFloat(f[2]));
            }
        }
        return out;
    }

    private static List<String> featureColumns() throws Exception {
        return List.of(JSON.readValue(DIR.resolve("feature_cols.json").toFile(), String[].class));
    }

    private static String key(double ts, String product) {
        return Double.doubleToLongBits(ts) + "/" + product;
    }

    private static Path resource(String name) {
        try {
            return Path.of(ReferenceModelTest.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

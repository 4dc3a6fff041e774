package dev.cvd.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cvd.features.FeatureContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a model bundle: the contract row mapping, and every refusal with its message. */
class ModelBundleTest {

    /** Six contract v1 features, deliberately not in contract order. */
    private static final List<String> FEATURES =
            List.of("rv_60s", "ret_1s", "spread_bps", "trade_rate_30s", "obi", "dt_prev_s");

    @TempDir static Path models;
    @TempDir Path bundle;

    @BeforeAll
    static void trainModel() throws Exception {
        Booster booster = SyntheticModels.train(3_000, FEATURES.size(), 20, Map.of(), 5);
        try {
            SyntheticModels.save(booster, models, "model");
        } finally {
            booster.dispose();
        }
    }

    @Test
    void contractRowsAreScoredInTheModelsColumnOrder() throws Exception {
        writeBundle("model.json", meta(FEATURES, "model.json"));
        TreeEnsemble model = TreeEnsemble.load(bundle.resolve("model.json"));
        SplittableRandom random = new SplittableRandom(1);
        try (ModelBundle loaded = ModelBundle.load(bundle)) {
            assertThat(loaded.acceptsContractRows()).isTrue();
            double[] scratch = new double[FEATURES.size()];
            for (int i = 0; i < 500; i++) {
                double[] contractRow = new double[FeatureContract.SIZE];
                for (int c = 0; c < contractRow.length; c++) {
                    contractRow[c] = random.nextInt(10) == 0 ? Double.NaN : random.nextGaussian();
                }
                double[] modelRow = new double[FEATURES.size()];
                for (int j = 0; j < modelRow.length; j++) {
                    modelRow[j] = contractRow[FeatureContract.indexOf(FEATURES.get(j))];
                }
                assertThat(loaded.probabilityOfContractRow(contractRow, scratch))
                        .isEqualTo(model.probability(modelRow));
            }
            double[] contractRow = new double[FeatureContract.SIZE];
            contractRow[FeatureContract.indexOf("rv_60s")] = 7.0;
            contractRow[FeatureContract.indexOf("dt_prev_s")] = 9.0;
            assertThat(loaded.toModelRow(contractRow, new double[6]))
                    .containsExactly(7.0, 0.0, 0.0, 0.0, 0.0, 9.0);
        }
    }

    @Test
    void ubjBundleScoresLikeTheJsonBundleWithEitherEngine() throws Exception {
        writeBundle("model.ubj", meta(FEATURES, "model.ubj"));
        double[] row = {0.01, Double.NaN, 3.0, 0.5, -0.2, 1.0};
        double expected = TreeEnsemble.load(models.resolve("model.json")).probability(row);
        try (ModelBundle pure = ModelBundle.load(bundle);
                ModelBundle xgboost = ModelBundle.load(bundle, ModelBundle.Engine.XGBOOST4J)) {
            assertThat(pure.evaluator()).isInstanceOf(PureJavaEvaluator.class);
            assertThat(xgboost.evaluator()).isInstanceOf(XgboostEvaluator.class);
            assertThat(pure.evaluator().probability(row)).isEqualTo(expected);
            assertThat(Math.abs(xgboost.evaluator().probability(row) - expected))
                    .isLessThanOrEqualTo(2 * Math.ulp((float) expected));
        }
    }

    @Test
    void closedXgboostEvaluatorRefusesToPredict() throws Exception {
        XgboostEvaluator evaluator = XgboostEvaluator.load(models.resolve("model.json"));
        evaluator.close();
        evaluator.close();
        assertThatThrownBy(() -> evaluator.margin(new double[6]))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the XGBoost evaluator is closed");
    }

    @Test
    void refusesMissingFolder() {
        assertRefused(bundle.resolve("nope"), "model bundle folder not found: ");
    }

    @Test
    void refusesMissingMeta() throws Exception {
        Files.copy(models.resolve("model.json"), bundle.resolve("model.json"));
        assertRefused(bundle, "model.meta.json: missing from model bundle ");
    }

    @Test
    void refusesMissingModelFile() throws Exception {
        meta(FEATURES, "model.json").write(bundle.resolve(ModelMeta.FILE_NAME));
        assertRefused(bundle, "model.json: missing from model bundle ");
    }

    @Test
    void refusesTruncatedJsonModelNamingTheByte() throws Exception {
        writeBundle("model.json", meta(FEATURES, "model.json"));
        truncate(bundle.resolve("model.json"), 1234);
        assertRefused(bundle, "model.json: truncated at byte 1234");
    }

    @Test
    void refusesTruncatedUbjModelNamingTheByte() throws Exception {
        writeBundle("model.ubj", meta(FEATURES, "model.ubj"));
        truncate(bundle.resolve("model.ubj"), 2000);
        assertRefused(bundle, "model.ubj: truncated at byte 2000");
    }

    @Test
    void refusesMalformedJsonNamingTheByte() throws Exception {
        writeBundle("model.json", meta(FEATURES, "model.json"));
        byte[] bytes = Files.readAllBytes(bundle.resolve("model.json"));
        int colon = new String(bytes, StandardCharsets.US_ASCII).indexOf(':', 200);
        bytes[colon] = '#';
        Files.write(bundle.resolve("model.json"), bytes);
        assertRefused(
                bundle,
                "model.json: malformed JSON at byte " + colon + ": Unexpected character ('#'");
    }

    @Test
    void refusesMalformedMeta() throws Exception {
        writeBundle("model.json", meta(FEATURES, "model.json"));
        Files.writeString(
                bundle.resolve(ModelMeta.FILE_NAME), "{\"bundle_format\": 1,\n \"name\": }");
        assertRefused(bundle, "model.meta.json: invalid JSON at line 2, column ");
    }

    @Test
    void refusesUnknownObjectiveInTheModel() throws Exception {
        writeBundle("model.json", meta(FEATURES, "model.json"));
        replaceInModel("\"name\":\"binary:logistic\"", "\"name\":\"reg:squarederror\"");
        assertRefused(
                bundle,
                "model.json: objective 'reg:squarederror' is not supported (supported:"
                        + " binary:logistic, reg:logistic, binary:logitraw)");
    }

    @Test
    void refusesUnknownObjectiveInTheMeta() throws Exception {
        writeBundle("model.json", withObjective(meta(FEATURES, "model.json"), "multi:softprob"));
        assertRefused(bundle, "model.meta.json: objective 'multi:softprob' is not supported");
    }

    @Test
    void refusesObjectiveThatDiffersFromTheModel() throws Exception {
        writeBundle("model.json", withObjective(meta(FEATURES, "model.json"), "reg:logistic"));
        assertRefused(
                bundle,
                "model.meta.json: objective 'reg:logistic' differs from model.json objective"
                        + " 'binary:logistic'");
    }

    @Test
    void refusesDartAndGblinearBoosters() throws Exception {
        writeBundle("model.json", meta(FEATURES, "model.json"));
        replaceInModel("\"name\":\"gbtree\"", "\"name\":\"dart\"");
        assertRefused(bundle, "model.json: gradient booster 'dart' is not supported (only gbtree)");
        replaceInModel("\"name\":\"dart\"", "\"name\":\"gblinear\"");
        assertRefused(
                bundle, "model.json: gradient booster 'gblinear' is not supported (only gbtree)");
    }

    @Test
    void refusesCategoricalSplits() throws Exception {
        writeBundle("model.json", meta(FEATURES, "model.json"));
        replaceInModel("\"split_type\":[0,", "\"split_type\":[1,");
        assertRefused(bundle, "model.json: tree 0 node 0 is a categorical split on feature ");
    }

    @Test
    void refusesWrongFeatureCount() throws Exception {
        writeBundle("model.json", meta(FEATURES.subList(0, 5), "model.json"));
        assertRefused(bundle, "model.json reads 6 features but model.meta.json lists 5");
    }

    @Test
    void refusesFeatureOutsideContractV1() throws Exception {
        List<String> features =
                List.of("rv_60s", "ret_1s", "foo", "trade_rate_30s", "obi", "dt_prev_s");
        writeBundle("model.json", meta(features, "model.json"));
        assertRefused(bundle, "model.meta.json: feature 'foo' is not in feature contract v1");
    }

    @Test
    void refusesDuplicateFeature() throws Exception {
        List<String> features =
                List.of("rv_60s", "ret_1s", "rv_60s", "trade_rate_30s", "obi", "dt_prev_s");
        writeBundle("model.json", meta(features, "model.json"));
        assertRefused(bundle, "model.meta.json: feature 'rv_60s' is listed twice");
    }

    @Test
    void refusesUnsupportedContractVersion() throws Exception {
        ModelMeta meta = meta(FEATURES, "model.json");
        writeBundle("model.json", copy(meta, 2, meta.tau(), meta.threshold()));
        assertRefused(bundle, "model.meta.json: contract_version 2 is not supported");
    }

    @Test
    void refusesNonFiniteTauAndThresholdOutsideTheUnitInterval() throws Exception {
        ModelMeta meta = meta(FEATURES, "model.json");
        writeBundle("model.json", copy(meta, 1, Double.NaN, 0.5));
        assertRefused(bundle, "model.meta.json: tau must be a finite number, got NaN");
        copy(meta, 1, 1e-4, 1.5).write(bundle.resolve(ModelMeta.FILE_NAME));
        assertRefused(bundle, "model.meta.json: threshold must be in [0, 1], got 1.5");
    }

    @Test
    void refusesModelFileOutsideTheBundle() throws Exception {
        writeBundle("model.json", meta(FEATURES, "../model.json"));
        assertRefused(
                bundle,
                "model.meta.json: model_file '../model.json' must be a file name inside the bundle");
    }

    @Test
    void contractRowsAreRefusedForABundleOutsideTheContract() throws Exception {
        List<String> names = List.of("a", "b", "c", "d", "e", "f");
        ModelMeta meta = meta(names, "model.json");
        writeBundle(
                "model.json", copy(meta, ModelBundle.NO_CONTRACT, meta.tau(), meta.threshold()));
        try (ModelBundle loaded = ModelBundle.load(bundle)) {
            assertThatThrownBy(
                            () ->
                                    loaded.probabilityOfContractRow(
                                            new double[FeatureContract.SIZE], new double[6]))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("contract_version 0");
        }
    }

    private void assertRefused(Path dir, String messageStart) {
        assertThatThrownBy(() -> ModelBundle.load(dir).close())
                .isInstanceOf(InvalidModelException.class)
                .hasMessageStartingWith(messageStart);
    }

    private void writeBundle(String modelFile, ModelMeta meta) throws Exception {
        Files.copy(models.resolve(modelFile), bundle.resolve(modelFile));
        meta.write(bundle.resolve(ModelMeta.FILE_NAME));
    }

    private void replaceInModel(String from, String to) throws Exception {
        Path file = bundle.resolve("model.json");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to), StandardCharsets.UTF_8);
    }

    private static void truncate(Path file, int length) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes.length).isGreaterThan(length);
        Files.write(file, Arrays.copyOf(bytes, length));
    }

    static ModelMeta meta(List<String> features, String modelFile) {
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        metrics.put("test", Map.of("pr_auc", 0.41, "roc_auc", 0.83));
        metrics.put("baseline_rv_60s", Map.of("pr_auc", 0.22));
        return new ModelMeta(
                1,
                "cvd-test",
                "3",
                1,
                features,
                modelFile,
                "binary:logistic",
                "fwd_rv_60s",
                60,
                1.25e-4,
                0.35,
                "2025-11-30T23:56:11Z",
                "2025-12-06T05:45:37Z",
                "sha256:0123abcd",
                "2026-01-02T03:04:05Z",
                Map.of("max_depth", 4, "eta", 0.2),
                metrics);
    }

    private static ModelMeta withObjective(ModelMeta m, String objective) {
        return new ModelMeta(
                m.bundleFormat(),
                m.name(),
                m.version(),
                m.contractVersion(),
                m.features(),
                m.modelFile(),
                objective,
                m.label(),
                m.horizonS(),
                m.tau(),
                m.threshold(),
                m.trainStart(),
                m.trainEnd(),
                m.dataFingerprint(),
                m.createdAt(),
                m.params(),
                m.metrics());
    }

    private static ModelMeta copy(ModelMeta m, int contractVersion, double tau, double threshold) {
        return new ModelMeta(
                m.bundleFormat(),
                m.name(),
                m.version(),
                contractVersion,
                m.features(),
                m.modelFile(),
                m.objective(),
                m.label(),
                m.horizonS(),
                tau,
                threshold,
                m.trainStart(),
                m.trainEnd(),
                m.dataFingerprint(),
                m.createdAt(),
                m.params(),
                m.metrics());
    }
}

package dev.cvd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvd.scoring.ModelMeta;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cvd train} and {@code cvd evaluate} run in-process on the bundled recordings. */
class TrainAndEvaluateCommandTest {

    static final String REPLAY = "replay/ticks_BTCUSD_20251201_164446_10min.ndjson.gz";
    static final String SHORT =
            "src/test/resources/recordings/corpus_ticks_BTCUSD_20251108_151231.ndjson.gz";

    /**
     * The recording calms down after its first minutes: with a training tau from more than its
     * first fifth, the later splits would hold no spike.
     */
    static final String SPLIT = "0.2,0.4,0.4";

    @TempDir static Path dir;
    static Path bundle;
    static Run train;

    record Run(int exit, String out, String err) {}

    static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void trainOnce() {
        bundle = dir.resolve("models/small");
        train =
                run(
                        new TrainCommand(),
                        REPLAY,
                        "--out",
                        bundle.toString(),
                        "--rounds",
                        "25",
                        "--min-child-weight",
                        "5",
                        "--seed",
                        "3",
                        "--split",
                        SPLIT);
    }

    @Test
    void trainWritesACompleteBundle() throws Exception {
        assertThat(train.exit()).as(train.err()).isZero();
        for (String f : List.of("model.json", "model.meta.json", "report.md", "pr_curve.png")) {
            assertThat(bundle.resolve(f)).isNotEmptyFile();
        }
        ModelMeta meta = ModelMeta.read(bundle.resolve("model.meta.json"));
        assertThat(meta.bundleFormat()).isEqualTo(1);
        assertThat(meta.name()).isEqualTo("small");
        assertThat(meta.contractVersion()).isEqualTo(1);
        assertThat(meta.features()).startsWith("ret_1s").contains("rv_60s", "rv_300s");
        assertThat(meta.modelFile()).isEqualTo("model.json");
        assertThat(meta.objective()).isEqualTo("binary:logistic");
        assertThat(meta.label()).isEqualTo("fwd_rv_60s");
        assertThat(meta.horizonS()).isEqualTo(60);
        assertThat(meta.tau()).isPositive();
        assertThat(meta.threshold()).isBetween(0.0, 1.0);
        assertThat(meta.trainStart()).startsWith("2025-12-01T16:4");
        assertThat(meta.dataFingerprint()).matches("sha256:[0-9a-f]{64}");
        assertThat(meta.params()).containsEntry("seed", 3).containsEntry("tree_method", "hist");
        for (String split : List.of("train", "validation", "test")) {
            for (String prefix : List.of("", "baseline_")) {
                Map<String, Double> m = meta.metrics().get(prefix + split);
                assertThat(m).as(prefix + split).containsKeys("pr_auc", "roc_auc", "f1");
                for (String k : List.of("pr_auc", "roc_auc", "precision", "f1", "positive_rate")) {
                    assertThat(m.get(k)).as(prefix + split + "." + k).isBetween(0.0, 1.0);
                }
            }
        }
        String report = Files.readString(bundle.resolve("report.md"));
        assertThat(report)
                .contains("./cvd train " + REPLAY)
                .contains("| test |")
                .contains("PR-AUC model")
                .contains("pr_curve.png")
                .doesNotContain("| NaN");
        byte[] png = Files.readAllBytes(bundle.resolve("pr_curve.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(train.err()).contains("labelled rows").contains("test");
    }

    @Test
    void trainingAgainGivesTheSameModelBytes() throws Exception {
        Path again = dir.resolve("models/again");
        Run r =
                run(
                        new TrainCommand(),
                        REPLAY,
                        "--out",
                        again.toString(),
                        "--rounds",
                        "25",
                        "--min-child-weight",
                        "5",
                        "--seed",
                        "3",
                        "--split",
                        SPLIT,
                        "-q");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(Files.readAllBytes(again.resolve("model.json")))
                .isEqualTo(Files.readAllBytes(bundle.resolve("model.json")));
    }

    @Test
    void evaluatePrintsJsonWithTheBundlesTauAndBothScores() throws Exception {
        Run r = run(new EvaluateCommand(), "--model", bundle.toString(), REPLAY, "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        ModelMeta meta = ModelMeta.read(bundle.resolve("model.meta.json"));
        assertThat(json.get("tau").asDouble()).isEqualTo(meta.tau());
        assertThat(json.get("rows").asInt()).isGreaterThan(3000);
        for (String who : List.of("model", "baseline")) {
            JsonNode m = json.get("metrics").get(who);
            for (String k : List.of("pr_auc", "roc_auc", "precision", "recall", "f1")) {
                assertThat(m.get(k).asDouble()).as(who + "." + k).isBetween(0.0, 1.0);
            }
        }
        assertThat(json.get("metrics").get("model").get("threshold").asDouble())
                .isEqualTo(meta.threshold());
        assertThat(json.get("metrics").get("baseline").get("threshold").asDouble())
                .isEqualTo(meta.metrics().get("baseline_validation").get("threshold"));
    }

    @Test
    void evaluateWithTheXgboostEngineGivesTheSameRanking() throws Exception {
        Run java = run(new EvaluateCommand(), "--model", bundle.toString(), REPLAY, "--json");
        Run native4j =
                run(
                        new EvaluateCommand(),
                        "--model",
                        bundle.toString(),
                        REPLAY,
                        "--json",
                        "--engine",
                        "XGBOOST4J");
        assertThat(native4j.exit()).as(native4j.err()).isZero();
        ObjectMapper m = new ObjectMapper();
        assertThat(m.readTree(native4j.out()).get("metrics"))
                .isEqualTo(m.readTree(java.out()).get("metrics"));
    }

    @Test
    void errorsAreOneLineWithExitCode2() {
        Run missing =
                run(new TrainCommand(), "no/such.ndjson", "--out", dir.resolve("x").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().strip())
                .isEqualTo("cvd train: cannot read no/such.ndjson: no such file");

        Run noLabels = run(new TrainCommand(), SHORT, "--out", dir.resolve("x").toString());
        assertThat(noLabels.exit()).isEqualTo(2);
        assertThat(noLabels.err().strip())
                .startsWith("cvd train: no labelled rows")
                .doesNotContain("\n");

        Run badSplit =
                run(
                        new TrainCommand(),
                        REPLAY,
                        "--out",
                        dir.resolve("x").toString(),
                        "--split",
                        "0.6,0.3,0.3");
        assertThat(badSplit.exit()).isEqualTo(2);
        assertThat(badSplit.err().strip()).contains("sum to 1").doesNotContain("\n");

        Run badFeature =
                run(
                        new TrainCommand(),
                        REPLAY,
                        "--out",
                        dir.resolve("x").toString(),
                        "--features",
                        "rv_60s,price");
        assertThat(badFeature.exit()).isEqualTo(2);
        assertThat(badFeature.err().strip())
                .isEqualTo("cvd train: not a contract v1 feature: price");

        Run badEta =
                run(new TrainCommand(), REPLAY, "--out", dir.resolve("x").toString(), "--eta", "0");
        assertThat(badEta.exit()).isEqualTo(2);
        assertThat(badEta.err().strip()).isEqualTo("cvd train: --eta must be in (0, 1]");

        Run noModel = run(new EvaluateCommand(), "--model", dir.resolve("none").toString(), REPLAY);
        assertThat(noModel.exit()).isEqualTo(2);
        assertThat(noModel.err().strip()).startsWith("cvd evaluate: ").doesNotContain("\n");

        Run unlabelled = run(new EvaluateCommand(), "--model", bundle.toString(), SHORT);
        assertThat(unlabelled.exit()).isEqualTo(2);
        assertThat(unlabelled.err().strip()).startsWith("cvd evaluate: no labelled rows");
        assertThat(dir.resolve("x")).doesNotExist();
    }
}

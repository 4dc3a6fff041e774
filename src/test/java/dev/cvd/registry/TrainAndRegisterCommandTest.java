package dev.cvd.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cvd.cli.ModelsCommand;
import dev.cvd.cli.TrainCommand;
import dev.cvd.scoring.ModelMeta;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cvd train --tracking-uri ... --register} records the run and registers the bundle in a
 * real MLflow server; {@code cvd models list|promote} show and move the alias.
 */
class TrainAndRegisterCommandTest {

    static final String REPLAY = "replay/ticks_BTCUSD_20251201_164446_10min.ndjson.gz";
    static final String MODEL = "cvd-spike-train-test";

    @TempDir static Path dir;
    static MlflowServer server;
    static MlflowClient client;
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
    static void trainAndRegister() {
        server = MlflowServer.shared();
        client = server.client();
        train =
                run(
                        new TrainCommand(),
                        "--tracking-uri",
                        server.uri(),
                        "--experiment",
                        "cvd-train-test",
                        "--register=" + MODEL,
                        REPLAY,
                        "--out",
                        dir.resolve("models/small").toString(),
                        "--rounds",
                        "25",
                        "--min-child-weight",
                        "5",
                        "--seed",
                        "3",
                        "--split",
                        "0.2,0.4,0.4");
    }

    @Test
    void theRunHasParamsMetricsTagsAndTheBundle() throws Exception {
        assertThat(train.exit()).as(train.err()).isZero();
        ModelMeta meta = ModelMeta.read(dir.resolve("models/small/model.meta.json"));
        String experiment = client.experimentIdByName("cvd-train-test").orElseThrow();
        ModelVersion v = client.getModelVersion(MODEL, "1");
        RunData run = client.getRun(v.runId());
        assertThat(run.info().experimentId()).isEqualTo(experiment);
        assertThat(run.info().status()).isEqualTo("FINISHED");
        assertThat(run.params())
                .containsEntry("data_fingerprint", meta.dataFingerprint())
                .containsEntry("contract_version", "1")
                .containsEntry("tau", Double.toString(meta.tau()))
                .containsEntry("threshold", Double.toString(meta.threshold()))
                .containsEntry("features", String.join(",", meta.features()))
                .containsEntry("max_depth", "3")
                .containsEntry("eta", "0.03")
                .containsEntry("split", "0.2,0.4,0.4")
                .containsKeys("train_start", "train_end", "validation_start", "test_end");
        assertThat(run.metrics().get("test_pr_auc"))
                .isEqualTo(meta.metrics().get("test").get("pr_auc"));
        assertThat(run.metrics().get("baseline_test_pr_auc"))
                .isEqualTo(meta.metrics().get("baseline_test").get("pr_auc"));
        assertThat(run.metrics().get("validation_pr_auc"))
                .isEqualTo(meta.metrics().get("validation").get("pr_auc"));
        assertThat(run.tags()).containsKey("cvd.version").containsEntry("mlflow.runName", "small");
        if (Files.isDirectory(MlflowServer.projectRoot().resolve(".git"))) {
            assertThat(run.tags().get("mlflow.source.git.commit")).matches("[0-9a-f]{40}");
        }
        assertThat(client.listArtifacts(run.info().artifactUri() + "/bundle"))
                .extracting(ArtifactFile::name)
                .containsExactlyInAnyOrder(
                        "model.json", "model.meta.json", "report.md", "pr_curve.png");
        Path back = dir.resolve("back");
        client.downloadDirectory(v.source(), back);
        for (String f : List.of("model.json", "model.meta.json", "report.md", "pr_curve.png")) {
            assertThat(Files.readAllBytes(back.resolve(f)))
                    .isEqualTo(Files.readAllBytes(dir.resolve("models/small").resolve(f)));
        }
    }

    @Test
    void theBundleIsRegisteredAsChampionAndTaggedWithItsFingerprint() throws Exception {
        assertThat(train.exit()).as(train.err()).isZero();
        ModelMeta meta = ModelMeta.read(dir.resolve("models/small/model.meta.json"));
        ModelVersion v = client.getModelVersion(MODEL, "1");
        assertThat(v.source()).isEqualTo(client.getRun(v.runId()).info().artifactUri() + "/bundle");
        assertThat(v.tags())
                .containsEntry("data_fingerprint", meta.dataFingerprint())
                .containsEntry("bundle_name", "small")
                .containsEntry(
                        ModelRegistrar.SCORE_METRIC,
                        Double.toString(meta.metrics().get("validation").get("pr_auc")));
        assertThat(train.err())
                .contains(
                        "registered "
                                + MODEL
                                + " version 1; champion -> version 1 (no champion yet)");
    }

    @Test
    void modelsListShowsVersionsAndPromoteMovesTheAlias() throws Exception {
        assertThat(train.exit()).as(train.err()).isZero();
        // A second version by hand, worse: the rule keeps the champion.
        ModelRegistrar.Outcome second =
                RegistryFixtures.register(client, MODEL, "2", 9, 0.0001, false);
        assertThat(second.promoted()).isFalse();

        Run list =
                run(new ModelsCommand(), "list", "--tracking-uri", server.uri(), "--name", MODEL);
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).startsWith(MODEL + "  aliases {champion=1}");
        assertThat(list.out().lines().filter(l -> l.startsWith("  2 ")).findFirst().orElseThrow())
                .contains("0.0001");
        assertThat(list.out().lines().filter(l -> l.startsWith("  1 ")).findFirst().orElseThrow())
                .endsWith("champion");

        Run promote =
                run(new ModelsCommand(), "promote", MODEL, "2", "--tracking-uri", server.uri());
        assertThat(promote.exit()).as(promote.err()).isZero();
        assertThat(promote.out()).isEqualTo(MODEL + "@champion -> version 2 (was version 1)\n");
        assertThat(client.getModelVersionByAlias(MODEL, "champion").orElseThrow().version())
                .isEqualTo("2");

        Run missing =
                run(new ModelsCommand(), "promote", MODEL, "99", "--tracking-uri", server.uri());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).startsWith("cvd models promote: MLflow RESOURCE_DOES_NOT_EXIST");
    }

    @Test
    void aTrackingUriThatIsNotAServerIsABadArgument() {
        Run r =
                run(
                        new TrainCommand(),
                        "--tracking-uri",
                        "file:///tmp/mlruns",
                        "--out",
                        dir.resolve("unused").toString(),
                        REPLAY);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo(
                        "cvd train: MLflow tracking URI must be an http(s) URL of a tracking"
                                + " server, not file:///tmp/mlruns\n");
        assertThat(dir.resolve("unused")).doesNotExist();
    }
}

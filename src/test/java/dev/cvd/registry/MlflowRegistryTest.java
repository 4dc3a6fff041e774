package dev.cvd.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cvd.scoring.stage.TestBundles;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MLflow client and the champion rule against a real MLflow tracking server. */
class MlflowRegistryTest {

    static MlflowClient client;

    @TempDir Path tmp;

    @BeforeAll
    static void server() {
        client = MlflowServer.shared().client();
    }

    @Test
    void experimentsAreCreatedOnceAndReused() throws Exception {
        assertThat(client.experimentIdByName("reuse-me")).isEmpty();
        String id = client.experimentId("reuse-me");
        assertThat(client.experimentId("reuse-me")).isEqualTo(id);
        assertThat(client.experimentIdByName("reuse-me")).contains(id);
    }

    @Test
    void paramsMetricsAndTagsOfARunAreVisibleThroughTheApi() throws Exception {
        String exp = client.experimentId("tracking");
        RunInfo run = client.createRun(exp, "tracked", Map.of("cvd.version", "1.2.3"));
        assertThat(run.status()).isEqualTo("RUNNING");
        assertThat(run.artifactUri()).startsWith("mlflow-artifacts:/" + exp + "/" + run.runId());
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < 150; i++) { // more than one log-batch request holds
            params.put("p" + i, "v" + i);
        }
        params.put("features", "ret_1s,rv_60s,spread_bps");
        client.logBatch(
                run.runId(),
                params,
                Map.of("test_pr_auc", 0.42, "baseline_test_pr_auc", 0.31, "nan", Double.NaN),
                Map.of("mlflow.source.git.commit", "abc"));
        client.updateRun(run.runId(), "FINISHED");

        RunData data = client.getRun(run.runId());
        assertThat(data.info().status()).isEqualTo("FINISHED");
        assertThat(data.params()).hasSize(151).containsEntry("p149", "v149");
        assertThat(data.params()).containsEntry("features", "ret_1s,rv_60s,spread_bps");
        assertThat(data.metrics())
                .containsEntry("test_pr_auc", 0.42)
                .containsEntry("baseline_test_pr_auc", 0.31)
                .doesNotContainKey("nan");
        assertThat(data.tags())
                .containsEntry("cvd.version", "1.2.3")
                .containsEntry("mlflow.source.git.commit", "abc");
    }

    @Test
    void aBundleFolderComesBackByteIdentical() throws Exception {
        Path bundle = tmp.resolve("bundle");
        TestBundles.write(bundle, "1", 7);
        byte[] png = new byte[300_000];
        new SplittableRandom(3).nextBytes(png);
        Files.write(bundle.resolve("pr_curve.png"), png);
        Files.writeString(bundle.resolve("report.md"), "# Model ü 1\n");
        Files.createDirectories(bundle.resolve("extra dir"));
        Files.writeString(bundle.resolve("extra dir/notes 1.txt"), "spaces in names");

        RunInfo run = client.createRun(client.experimentId("artifacts"), "artifacts", Map.of());
        assertThat(client.uploadDirectory(run.artifactUri(), "bundle", bundle)).isEqualTo(5);
        assertThat(client.listArtifacts(run.artifactUri() + "/bundle"))
                .extracting(ArtifactFile::name)
                .containsExactlyInAnyOrder(
                        "model.json", "model.meta.json", "pr_curve.png", "report.md", "extra dir");

        Path back = tmp.resolve("back");
        assertThat(client.downloadDirectory("runs:/" + run.runId() + "/bundle", back)).isEqualTo(5);
        for (Path f : files(bundle)) {
            Path copy = back.resolve(bundle.relativize(f).toString());
            assertThat(Files.readAllBytes(copy)).as(f.toString()).isEqualTo(Files.readAllBytes(f));
        }
    }

    @Test
    void registrationsGetIncreasingVersionsAndTheChampionRuleMovesTheAlias() throws Exception {
        String model = "champion-rule";
        ModelRegistrar.Outcome v1 = RegistryFixtures.register(client, model, "1", 1, 0.50, false);
        assertThat(v1.version().version()).isEqualTo("1");
        assertThat(v1.version().source()).endsWith("/artifacts/bundle");
        assertThat(v1.promoted()).as(v1.reason()).isTrue();
        assertThat(v1.reason()).isEqualTo("no champion yet");

        ModelRegistrar.Outcome better =
                RegistryFixtures.register(client, model, "2", 2, 0.60, false);
        assertThat(better.version().version()).isEqualTo("2");
        assertThat(better.promoted()).isTrue();
        assertThat(better.previousChampion()).isEqualTo("1");
        assertThat(better.previousScore()).isEqualTo(0.50);
        assertThat(champion(model)).isEqualTo("2");

        ModelRegistrar.Outcome worse =
                RegistryFixtures.register(client, model, "3", 3, 0.55, false);
        assertThat(worse.version().version()).isEqualTo("3");
        assertThat(worse.promoted()).isFalse();
        assertThat(worse.reason())
                .isEqualTo("validation PR-AUC 0.5500 does not beat champion version 2's 0.6000");
        assertThat(champion(model)).isEqualTo("2");

        ModelRegistrar.Outcome forced =
                RegistryFixtures.register(client, model, "4", 4, 0.10, true);
        assertThat(forced.promoted()).isTrue();
        assertThat(champion(model)).isEqualTo("4");

        assertThat(client.searchModelVersions(model))
                .extracting(ModelVersion::version)
                .containsExactly("4", "3", "2", "1");
        ModelVersion v4 = client.getModelVersion(model, "4");
        assertThat(v4.aliases()).containsExactly("champion");
        assertThat(v4.tags())
                .containsEntry("data_fingerprint", "sha256:0000")
                .containsEntry(ModelRegistrar.SCORE_METRIC, "0.1");
        assertThat(client.getRegisteredModel(model).orElseThrow().aliases())
                .containsEntry("champion", "4");

        // By hand: the alias moves back whatever the scores.
        assertThat(new ModelRegistrar(client).promote(model, "2", "champion"))
                .map(ModelVersion::version)
                .contains("4");
        assertThat(champion(model)).isEqualTo("2");
    }

    @Test
    void errorsCarryMlflowsErrorCodeAndMessage() {
        assertThatThrownBy(() -> client.getModelVersion("no-such-model", "1"))
                .isInstanceOfSatisfying(
                        MlflowException.class,
                        e -> {
                            assertThat(e.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
                            assertThat(e.status()).isEqualTo(404);
                            assertThat(e.unavailable()).isFalse();
                            assertThat(e.getMessage())
                                    .startsWith(
                                            "MLflow RESOURCE_DOES_NOT_EXIST (HTTP 404) on GET"
                                                    + " mlflow/model-versions/get: ")
                                    .contains("no-such-model");
                        });
    }

    @Test
    void anUnreachableServerIsReportedAsUnavailable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        MlflowClient dead =
                new MlflowClient(
                        new MlflowConfig(
                                java.net.URI.create("http://127.0.0.1:" + port),
                                "user",
                                "secret-password",
                                null));
        assertThatThrownBy(() -> dead.experimentIdByName("x"))
                .isInstanceOfSatisfying(
                        MlflowException.class,
                        e -> {
                            assertThat(e.unavailable()).isTrue();
                            assertThat(e.status()).isZero();
                            assertThat(e.getMessage())
                                    .startsWith(
                                            "MLflow at http://127.0.0.1:" + port + " unreachable")
                                    .doesNotContain("secret-password");
                        });
        assertThat(dead.config().toString()).doesNotContain("secret-password").contains("basic");
    }

    @Test
    void modelUrisNameAnAliasOrAVersion() {
        assertThat(ModelUri.parse("models:/cvd-spike@champion"))
                .isEqualTo(new ModelUri("cvd-spike", "champion", null));
        assertThat(ModelUri.parse("models:/cvd-spike/12"))
                .isEqualTo(new ModelUri("cvd-spike", null, "12"));
        assertThatThrownBy(() -> ModelUri.parse("models:/cvd-spike"))
                .hasMessage(
                        "not a model URI: 'models:/cvd-spike'; expected models:/NAME@ALIAS or"
                                + " models:/NAME/VERSION");
    }

    private static String champion(String model) throws MlflowException {
        return client.getModelVersionByAlias(model, "champion").orElseThrow().version();
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}

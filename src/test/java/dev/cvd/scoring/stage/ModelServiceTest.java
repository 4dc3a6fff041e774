package dev.cvd.scoring.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cvd.features.FeatureContract;
import dev.cvd.scoring.ModelBundle;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading, polling and swapping, without Quarkus (the poll is driven by the test). */
class ModelServiceTest {

    @TempDir Path tmp;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ModelService service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void withoutABundleTheServiceStartsAndSaysWhy() {
        Path dir = tmp.resolve("model");
        service = start(dir, true);
        assertThat(service.hasModel()).isFalse();
        assertThat(service.status().unavailableReason())
                .isEqualTo("model bundle folder not found: " + dir);
        assertThatThrownBy(() -> service.score(TestBundles.row(1)))
                .isInstanceOf(NoModelException.class)
                .hasMessage("model bundle folder not found: " + dir);
        assertThat(
                        registry.get("cvd.model.reloads")
                                .tags("result", "failure", "trigger", "startup")
                                .counter()
                                .count())
                .isEqualTo(1.0);
    }

    @Test
    void aChangedFolderIsReloadedAndABrokenOneKeepsTheServingModel() throws Exception {
        Path dir = tmp.resolve("model");
        TestBundles.write(dir, "1", 1);
        service = start(dir, true);
        double[] row = TestBundles.row(3);
        assertThat(service.score(row).meta().version()).isEqualTo("1");

        service.poll(); // nothing changed: no load
        assertThat(registry.get("cvd.model.reloads").tag("trigger", "poll").counters())
                .allSatisfy(c -> assertThat(c.count()).isZero());

        TestBundles.write(dir, "2", 2);
        service.poll();
        Scores v2 = service.score(row, row);
        assertThat(v2.meta().version()).isEqualTo("2");
        assertThat(v2.probabilities()).containsExactly(expected(dir, row), expected(dir, row));
        assertThat(registry.get("cvd.model.info").tag("version", "2").gauge().value())
                .isEqualTo(1.0);
        assertThat(registry.find("cvd.model.info").tag("version", "1").gauge()).isNull();

        TestBundles.writeTruncated(dir, "3");
        service.poll();
        assertThat(service.score(row).meta().version()).isEqualTo("2");
        assertThat(service.score(row).probabilities()[0]).isEqualTo(v2.probabilities()[0]);
        ModelStatus status = service.status();
        assertThat(status.meta().version()).isEqualTo("2");
        assertThat(status.lastFailure().reason()).startsWith("model.json: ");
        assertThat(status.lastFailure().trigger()).isEqualTo(ModelService.POLL);

        ReloadOutcome again = service.reload(ModelService.ADMIN);
        assertThat(again.loaded()).isFalse();
        assertThat(again.serving().version()).isEqualTo("2");
        assertThat(again.error()).startsWith("model.json: ");
    }

    @Test
    void aBundleOutsideTheContractIsRefused() throws Exception {
        Path dir = tmp.resolve("model");
        TestBundles.write(dir, "1", 1);
        String meta = Files.readString(dir.resolve("model.meta.json"));
        Files.writeString(
                dir.resolve("model.meta.json"),
                meta.replace("\"contract_version\" : 1", "\"contract_version\" : 0"));
        service = start(dir, true);
        assertThat(service.hasModel()).isFalse();
        assertThat(service.status().unavailableReason())
                .isEqualTo(
                        "model.meta.json: contract_version 0 cannot score feature contract v1"
                                + " rows");
    }

    @Test
    void disabledScoringLoadsNothing() throws Exception {
        Path dir = tmp.resolve("model");
        TestBundles.write(dir, "1", 1);
        service = start(dir, false);
        assertThat(service.hasModel()).isFalse();
        assertThat(service.status().enabled()).isFalse();
        assertThat(service.reload(ModelService.ADMIN).error())
                .isEqualTo("scoring is disabled in this instance (cvd.scoring.enabled=false)");
    }

    private ModelService start(Path dir, boolean enabled) {
        ModelService s = new ModelService(settings(dir, enabled), registry);
        s.start();
        return s;
    }

    private static double expected(Path dir, double[] row) throws Exception {
        try (ModelBundle b = ModelBundle.load(dir)) {
            return b.probabilityOfContractRow(row, new double[FeatureContract.SIZE]);
        }
    }

    private static ScoringSettings settings(Path dir, boolean enabled) {
        return new ScoringSettings() {
            @Override
            public boolean enabled() {
                return enabled;
            }

            @Override
            public String modelDir() {
                return dir.toString();
            }

            @Override
            public Duration reloadInterval() {
                return Duration.ofHours(1);
            }

            @Override
            public int maxBatch() {
                return 1000;
            }

            @Override
            public Optional<String> adminToken() {
                return Optional.empty();
            }
        };
    }
}

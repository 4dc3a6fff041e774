package dev.cvd.registry;

import dev.cvd.scoring.stage.TestBundles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Registers small test bundles the way {@code cvd train --register} does. */
public final class RegistryFixtures {

    private RegistryFixtures() {}

    /**
     * Trains a tiny bundle of the given version, records it in a run of experiment {@code cvd-test}
     * with the validation PR-AUC as a metric, uploads it under {@code bundle/} and registers it.
     *
     * @return what the registration did
     */
    public static ModelRegistrar.Outcome register(
            MlflowClient client,
            String model,
            String version,
            long seed,
            double validationPrAuc,
            boolean force)
            throws IOException {
        Path dir = Files.createTempDirectory("cvd-fixture-").resolve("bundle");
        TestBundles.write(dir, version, seed);
        String experiment = client.experimentId("cvd-test");
        RunInfo run = client.createRun(experiment, model + "-" + version, Map.of());
        client.logBatch(
                run.runId(),
                Map.of("seed", Long.toString(seed)),
                Map.of(ModelRegistrar.SCORE_METRIC, validationPrAuc),
                Map.of());
        client.uploadDirectory(run.artifactUri(), ModelRegistrar.BUNDLE_ARTIFACTS, dir);
        client.updateRun(run.runId(), "FINISHED");
        return new ModelRegistrar(client)
                .register(
                        model,
                        run,
                        validationPrAuc,
                        Map.of(
                                "data_fingerprint",
                                "sha256:0000",
                                "contract_version",
                                "1",
                                "bundle_name",
                                TestBundles.NAME,
                                "bundle_version",
                                version),
                        ModelRegistrar.DEFAULT_ALIAS,
                        force);
    }
}

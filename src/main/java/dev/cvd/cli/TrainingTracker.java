package dev.cvd.cli;

import dev.cvd.market.EventTime;
import dev.cvd.registry.MlflowClient;
import dev.cvd.registry.MlflowException;
import dev.cvd.registry.ModelRegistrar;
import dev.cvd.registry.RunInfo;
import dev.cvd.scoring.ModelMeta;
import dev.cvd.training.BinaryMetrics;
import dev.cvd.training.TrainingRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Records a training run in MLflow: parameters (hyperparameters, contract version, data
 * fingerprint, split ranges, tau, threshold, features), metrics of every split for the model and
 * the baseline ({@code test_pr_auc}, {@code baseline_test_pr_auc}, ...), tags (application version,
 * git commit when known) and the bundle folder under the run's {@code bundle} artifacts; then, if
 * asked, registers the bundle as a new model version.
 */
final class TrainingTracker {

    /** Longest parameter value logged; MLflow servers before 2.x accept 500 characters. */
    private static final int MAX_PARAM = 500;

    /**
     * What was recorded.
     *
     * @param run the run
     * @param registration the registration, or null when not asked
     */
    record Result(RunInfo run, ModelRegistrar.Outcome registration) {}

    /**
     * What to register.
     *
     * @param model the registered model name
     * @param alias the alias the champion rule moves
     * @param promote move the alias whatever the scores
     */
    record Registration(String model, String alias, boolean promote) {}

    private TrainingTracker() {}

    static Result track(
            MlflowClient client,
            String experiment,
            Path bundle,
            TrainingRun.Outcome outcome,
            List<String> inputs,
            String command,
            Registration registration)
            throws MlflowException {
        ModelMeta meta = outcome.meta();
        String experimentId = client.experimentId(experiment);
        RunInfo run = client.createRun(experimentId, meta.name(), tags(meta, command));
        try {
            client.logBatch(run.runId(), params(outcome, inputs), metrics(outcome), Map.of());
            client.uploadDirectory(run.artifactUri(), ModelRegistrar.BUNDLE_ARTIFACTS, bundle);
            ModelRegistrar.Outcome registered = null;
            if (registration != null) {
                Map<String, String> versionTags = new LinkedHashMap<>();
                versionTags.put("data_fingerprint", meta.dataFingerprint());
                versionTags.put("contract_version", Integer.toString(meta.contractVersion()));
                versionTags.put("bundle_name", meta.name());
                versionTags.put("bundle_version", meta.version());
                double test = outcome.modelMetrics().get("test").prAuc();
                if (Double.isFinite(test)) {
                    versionTags.put("test_pr_auc", Double.toString(test));
                }
                registered =
                        new ModelRegistrar(client)
                                .register(
                                        registration.model(),
                                        run,
                                        outcome.modelMetrics().get("validation").prAuc(),
                                        versionTags,
                                        registration.alias(),
                                        registration.promote());
            }
            client.updateRun(run.runId(), "FINISHED");
            return new Result(run, registered);
        } catch (MlflowException | RuntimeException e) {
            try {
                client.updateRun(run.runId(), "FAILED");
            } catch (MlflowException ignored) {
                // The first failure is the one to report.
            }
            throw e;
        }
    }

    static Map<String, String> params(TrainingRun.Outcome o, List<String> inputs) {
        ModelMeta meta = o.meta();
        Map<String, String> p = new LinkedHashMap<>();
        meta.params().forEach((k, v) -> p.put(k, String.valueOf(v)));
        p.put("model_name", meta.name());
        p.put("bundle_version", meta.version());
        p.put("contract_version", Integer.toString(meta.contractVersion()));
        p.put("data_fingerprint", meta.dataFingerprint());
        p.put("label", meta.label());
        p.put("horizon_s", Integer.toString(meta.horizonS()));
        p.put("tau", Double.toString(meta.tau()));
        p.put("threshold", Double.toString(meta.threshold()));
        p.put("baseline_threshold", Double.toString(o.baselineThreshold()));
        p.put("features", String.join(",", meta.features()));
        p.put("feature_count", Integer.toString(meta.features().size()));
        o.splits()
                .forEach(
                        (split, s) -> {
                            p.put(split + "_start", EventTime.format(s.firstMicros()));
                            p.put(split + "_end", EventTime.format(s.lastMicros()));
                            p.put(split + "_rows", Integer.toString(s.rows()));
                            p.put(split + "_purged", Integer.toString(s.purged()));
                        });
        p.put("inputs", String.join(",", inputs));
        p.replaceAll((k, v) -> v.length() > MAX_PARAM ? v.substring(0, MAX_PARAM - 3) + "..." : v);
        return p;
    }

    static Map<String, Double> metrics(TrainingRun.Outcome o) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (var e : o.modelMetrics().entrySet()) {
            put(m, e.getKey() + "_", e.getValue());
        }
        for (var e : o.baselineMetrics().entrySet()) {
            put(m, "baseline_" + e.getKey() + "_", e.getValue());
        }
        m.put("best_round", (double) o.model().bestRound());
        m.put("rounds_run", (double) o.model().roundsRun());
        return m;
    }

    private static void put(Map<String, Double> m, String prefix, BinaryMetrics.Result r) {
        r.toMap().forEach((k, v) -> m.put(prefix + k, v));
    }

    static Map<String, String> tags(ModelMeta meta, String command) {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("mlflow.runName", meta.name());
        t.put("mlflow.source.name", "cvd train");
        t.put("mlflow.source.type", "LOCAL");
        t.put(
                "cvd.version",
                ConfigProvider.getConfig()
                        .getOptionalValue("quarkus.application.version", String.class)
                        .orElse("unknown"));
        t.put("cvd.command", command.length() > 5000 ? command.substring(0, 5000) : command);
        gitCommit().ifPresent(c -> t.put("mlflow.source.git.commit", c));
        return t;
    }

    /** {@code git rev-parse HEAD} of the working folder, when git and a repository are there. */
    static Optional<String> gitCommit() {
        try {
            Process p =
                    new ProcessBuilder("git", "rev-parse", "HEAD")
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start();
            String out;
            try (var in = p.getInputStream()) {
                out = new String(in.readNBytes(200), StandardCharsets.UTF_8).trim();
            }
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 && out.matches("[0-9a-f]{40}")
                    ? Optional.of(out)
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}

package dev.cvd.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Registers a run's model bundle as a new version of a registered model and moves the champion
 * alias to it when it is better: a higher validation PR-AUC than the version the alias points to
 * now (read from that version's run metric {@value #SCORE_METRIC}, or its version tag of the same
 * name), or when promotion is forced. A model with no champion yet gets the alias.
 */
public final class ModelRegistrar {

    /** The run metric and version tag the champion rule compares. */
    public static final String SCORE_METRIC = "validation_pr_auc";

    /** The default registered model name and alias. */
    public static final String DEFAULT_MODEL = "cvd-spike";

    public static final String DEFAULT_ALIAS = "champion";

    /** The artifact folder of a run that holds the bundle. */
    public static final String BUNDLE_ARTIFACTS = "bundle";

    /**
     * What a registration did.
     *
     * @param version the new version
     * @param promoted whether the alias now points to it
     * @param previousChampion the version the alias pointed to before, or null
     * @param previousScore that version's validation PR-AUC, NaN if unknown or none
     * @param reason why the alias moved or stayed, for a human
     */
    public record Outcome(
            ModelVersion version,
            boolean promoted,
            String previousChampion,
            double previousScore,
            String reason) {}

    private final MlflowClient client;

    public ModelRegistrar(MlflowClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Registers {@code <run artifact URI>/bundle} as a new version.
     *
     * @param modelName the registered model, created when missing
     * @param run the run whose {@code bundle} artifacts hold the bundle
     * @param score the new version's validation PR-AUC
     * @param tags version tags (the score is added as {@value #SCORE_METRIC})
     * @param alias the alias to move, {@value #DEFAULT_ALIAS} usually
     * @param force move the alias whatever the scores
     */
    public Outcome register(
            String modelName,
            RunInfo run,
            double score,
            Map<String, String> tags,
            String alias,
            boolean force)
            throws MlflowException {
        if (client.getRegisteredModel(modelName).isEmpty()) {
            try {
                client.createRegisteredModel(
                        modelName,
                        "cvd volatility-spike model bundles (XGBoost, feature contract)");
            } catch (MlflowException e) {
                if (!"RESOURCE_ALREADY_EXISTS".equals(e.errorCode())) {
                    throw e;
                }
            }
        }
        Map<String, String> versionTags = new LinkedHashMap<>(tags);
        if (Double.isFinite(score)) {
            versionTags.put(SCORE_METRIC, Double.toString(score));
        }
        String source = run.artifactUri() + "/" + BUNDLE_ARTIFACTS;
        ModelVersion created =
                client.createModelVersion(modelName, source, run.runId(), versionTags);
        return decide(created, score, alias, force);
    }

    /**
     * Points the alias at a version, whatever the scores.
     *
     * @return the version the alias pointed to before, if any
     */
    public Optional<ModelVersion> promote(String modelName, String version, String alias)
            throws MlflowException {
        Optional<ModelVersion> before = client.getModelVersionByAlias(modelName, alias);
        client.getModelVersion(modelName, version); // fails clearly when it does not exist
        client.setAlias(modelName, alias, version);
        return before;
    }

    /**
     * The validation PR-AUC of a version: its run's {@value #SCORE_METRIC} metric, else its tag.
     *
     * @return the score, empty when neither is there
     */
    public OptionalDouble score(ModelVersion v) throws MlflowException {
        if (v.runId() != null) {
            try {
                Double m = client.getRun(v.runId()).metrics().get(SCORE_METRIC);
                if (m != null) {
                    return OptionalDouble.of(m);
                }
            } catch (MlflowException e) {
                if (!e.notFound()) {
                    throw e;
                }
            }
        }
        String tag = v.tags().get(SCORE_METRIC);
        if (tag != null) {
            try {
                return OptionalDouble.of(Double.parseDouble(tag));
            } catch (NumberFormatException e) {
                return OptionalDouble.empty();
            }
        }
        return OptionalDouble.empty();
    }

    private Outcome decide(ModelVersion created, double score, String alias, boolean force)
            throws MlflowException {
        String name = created.name();
        Optional<ModelVersion> champion = client.getModelVersionByAlias(name, alias);
        String before = champion.map(ModelVersion::version).orElse(null);
        double previous = Double.NaN;
        if (champion.isPresent()) {
            OptionalDouble s = score(champion.get());
            previous = s.isPresent() ? s.getAsDouble() : Double.NaN;
        }
        String reason;
        boolean promote;
        if (force) {
            promote = true;
            reason = "promotion forced";
        } else if (champion.isEmpty()) {
            promote = true;
            reason = "no " + alias + " yet";
        } else if (Double.isNaN(previous)) {
            promote = Double.isFinite(score);
            reason =
                    promote
                            ? alias + " version " + before + " has no " + SCORE_METRIC
                            : "neither version has a " + SCORE_METRIC;
        } else if (Double.isFinite(score) && score > previous) {
            promote = true;
            reason =
                    String.format(
                            java.util.Locale.ROOT,
                            "validation PR-AUC %.4f beats %s version %s's %.4f",
                            score,
                            alias,
                            before,
                            previous);
        } else {
            promote = false;
            reason =
                    String.format(
                            java.util.Locale.ROOT,
                            "validation PR-AUC %.4f does not beat %s version %s's %.4f",
                            score,
                            alias,
                            before,
                            previous);
        }
        if (promote) {
            client.setAlias(name, alias, created.version());
        }
        return new Outcome(created, promote, before, previous, reason);
    }
}

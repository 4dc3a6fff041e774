package dev.cvd.scoring.stage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of serving a model from a registry instead of the bundle folder of {@link
 * ScoringSettings#modelDir()}; same {@code cvd.scoring} prefix, a mapping of its own so that code
 * implementing {@link ScoringSettings} by hand is not affected.
 */
@ConfigMapping(prefix = "cvd.scoring")
public interface ModelSourceSettings {

    /**
     * A model registry reference to serve instead of the folder: {@code models:/NAME@ALIAS}
     * (follows the alias) or {@code models:/NAME/VERSION}, fetched from the MLflow tracking server
     * of {@code cvd.mlflow.tracking-uri} (or {@code MLFLOW_TRACKING_URI}) into {@link #cacheDir()}.
     * Set, it replaces {@code cvd.scoring.model-dir}.
     */
    Optional<String> modelUri();

    /**
     * Where bundles fetched from the registry are kept, one folder per version: {@code
     * <cache-dir>/NAME/VERSION}. With the registry unreachable at start, the last one fetched
     * serves.
     */
    @WithDefault("data/model-cache")
    String cacheDir();

    /** How often the registry is asked which version the alias of {@link #modelUri()} names. */
    @WithDefault("PT30S")
    Duration registryInterval();
}

package dev.cvd.scoring.stage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of model serving: the bundle, its hot reload, the predictions stage and /predict. */
@ConfigMapping(prefix = "cvd.scoring")
public interface ScoringSettings {

    /**
     * Serve the model in this instance: load the bundle, run the ticks.features to
     * ticks.predictions stage and answer {@code /predict}. Off, nothing is loaded and {@code
     * /predict} answers 503.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * The model bundle folder ({@code model.meta.json} plus the XGBoost model it names). Polled for
     * changes; a symbolic link that is switched to a new folder works too.
     */
    @WithDefault("models/cvd-spike-v1")
    String modelDir();

    /**
     * How often the bundle folder is checked for changed files (names, sizes, modification times).
     */
    @WithDefault("PT5S")
    Duration reloadInterval();

    /** Most rows a {@code POST /predict} batch may hold; larger batches get 413. */
    @WithDefault("1000")
    int maxBatch();

    /** Bearer token of {@code POST /admin/model/reload}. Unset, the admin endpoint is off (403). */
    Optional<String> adminToken();
}

package dev.cvd.scoring.stage;

import dev.cvd.scoring.ModelMeta;
import java.time.Instant;

/**
 * A snapshot of model serving.
 *
 * @param enabled whether scoring is on in this instance
 * @param directory the bundle folder watched
 * @param meta the serving model's metadata, or null when no model serves
 * @param loadedAt when the serving model was loaded, or null
 * @param unavailableReason why no model serves, or null when one does
 * @param lastFailure the last refused bundle since the last successful load, or null
 */
public record ModelStatus(
        boolean enabled,
        String directory,
        ModelMeta meta,
        Instant loadedAt,
        String unavailableReason,
        ReloadFailure lastFailure) {}

/**
 * The registry module: MLflow experiment tracking and the model registry over MLflow's REST API
 * 2.0, with artifacts through the tracking server's artifact proxy (no Python on this side).
 *
 * <p>Published: {@link dev.cvd.registry.MlflowClient} (experiments, runs, registered models,
 * versions, aliases, artifacts), {@link dev.cvd.registry.MlflowConfig} (server and credentials from
 * settings or the standard {@code MLFLOW_TRACKING_*} variables), {@link dev.cvd.registry.ModelUri}
 * ({@code models:/NAME@ALIAS}, {@code models:/NAME/VERSION}) and {@link
 * dev.cvd.registry.ModelRegistrar} (registration and the champion rule).
 *
 * <p>Depends on no other cvd module (Jackson and {@code java.net.http} only).
 */
package dev.cvd.registry;

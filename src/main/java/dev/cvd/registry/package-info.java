/**
 * The registry module: MLflow experiment tracking and the model registry over MLflow's REST API.
 *
 * <p>Depends on no other cvd module.
 */
package dev.cvd.registry;

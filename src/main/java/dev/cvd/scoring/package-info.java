/**
 * The scoring module: the model bundle format, tree-ensemble evaluators (pure Java and XGBoost4J),
 * model loading and hot reload, and the ticks.features to ticks.predictions stage.
 *
 * <p>May depend on {@code features} (and through it {@code market}).
 */
package dev.cvd.scoring;

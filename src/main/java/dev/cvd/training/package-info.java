/**
 * The training module: dataset building from recordings with the features core, labels,
 * chronological splits with purging, model training, evaluation and reports.
 *
 * <p>May depend on {@code ingest}, {@code features}, {@code scoring} and {@code registry}.
 */
package dev.cvd.training;

/**
 * The features module: feature contract v1 ({@link dev.cvd.features.FeatureContract}) computed by a
 * plain-Java streaming core ({@link dev.cvd.features.FeatureEngine}) with per-product window state,
 * and the Parquet sink for feature rows ({@link dev.cvd.features.FeatureParquetWriter}). The same
 * core serves the offline command line, training and the ticks.raw to ticks.features stage, so
 * every path computes identical rows.
 *
 * <p>Publishes feature rows (to ticks.features and Parquet). May depend on {@code market} only.
 */
package dev.cvd.features;

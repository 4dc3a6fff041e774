/**
 * The scoring module: the model bundle format, tree-ensemble evaluators (pure Java and XGBoost4J),
 * model loading and hot reload, and the ticks.features to ticks.predictions stage.
 *
 * <p>Published types: {@link dev.cvd.scoring.ModelBundle} (a validated bundle folder: model file
 * plus {@link dev.cvd.scoring.ModelMeta}), {@link dev.cvd.scoring.Evaluator} with {@link
 * dev.cvd.scoring.PureJavaEvaluator} over a {@link dev.cvd.scoring.TreeEnsemble} (margins
 * bit-identical to XGBoost, no native code, no allocation per row) and {@link
 * dev.cvd.scoring.XgboostEvaluator} (XGBoost4J's native predictor), and {@link
 * dev.cvd.scoring.InvalidModelException} for every refusal. The numeric core is plain Java with no
 * framework imports; thin Quarkus adapters live beside it.
 *
 * <p>May depend on {@code features} (and through it {@code market}).
 */
package dev.cvd.scoring;

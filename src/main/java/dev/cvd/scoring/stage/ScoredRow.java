package dev.cvd.scoring.stage;

import dev.cvd.features.FeatureRow;

/**
 * A stream prediction together with the feature row it scored, fired as a synchronous CDI event by
 * {@link PredictionsStage} for each prediction it makes, right after {@link LatestPredictions}
 * holds it. Observers run on the stage's thread: they must return in microseconds, never block and
 * never throw (the stage logs and ignores an observer's exception).
 *
 * @param prediction the prediction, the same object {@link LatestPredictions} holds
 * @param row the feature row that was scored; its values must not be modified
 * @param mid the mid price of the row's quote, NaN when the feature record carried none
 */
public record ScoredRow(Prediction prediction, FeatureRow row, double mid) {}

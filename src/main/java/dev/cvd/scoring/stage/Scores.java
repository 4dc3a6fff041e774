package dev.cvd.scoring.stage;

import dev.cvd.scoring.ModelMeta;

/**
 * Probabilities of some feature rows, from one model (all rows of a call are scored by the same
 * bundle, even when a reload swaps the model meanwhile).
 *
 * @param meta the metadata of the model that scored the rows
 * @param probabilities one probability of a spike per row, in [0, 1], in row order
 * @param evaluationNanos wall time of the evaluation of all rows, in nanoseconds
 */
public record Scores(ModelMeta meta, double[] probabilities, long evaluationNanos) {

    /**
     * @return whether row {@code i} reaches the model's decision threshold
     */
    public boolean isSpike(int i) {
        return probabilities[i] >= meta.threshold();
    }

    /**
     * @return the number of rows
     */
    public int size() {
        return probabilities.length;
    }
}

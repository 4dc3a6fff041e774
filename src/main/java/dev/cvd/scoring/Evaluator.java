package dev.cvd.scoring;

/**
 * Scores rows with a binary tree-ensemble model. A row is a {@code double[]} in the model's column
 * order ({@link #featureCount()} values); NaN is a missing value. The margin is the raw score
 * (log-odds), the probability its sigmoid.
 *
 * <p>Implementations state their own cost and thread-safety; both provided ones ({@link
 * PureJavaEvaluator}, {@link XgboostEvaluator}) may be shared between threads. Infinite inputs are
 * ordinary values for both: +Infinity goes right and -Infinity left of every finite split.
 */
public interface Evaluator extends AutoCloseable {

    /**
     * @return the number of input columns a row must have
     */
    int featureCount();

    /**
     * @param row inputs in model column order; NaN is missing
     * @return the margin (log-odds) as float32
     */
    float margin(double[] row);

    /**
     * @param row inputs in model column order; NaN is missing
     * @return the probability of the positive class, in [0, 1]
     */
    double probability(double[] row);

    /**
     * Margins of many rows; may be cheaper per row than {@link #margin(double[])}.
     *
     * @param rows rows in model column order
     * @param out receives one margin per row, at least {@code rows.length} long
     */
    void margins(double[][] rows, float[] out);

    /**
     * Probabilities of many rows; may be cheaper per row than {@link #probability(double[])}.
     *
     * @param rows rows in model column order
     * @param out receives one probability per row, at least {@code rows.length} long
     */
    void probabilities(double[][] rows, double[] out);

    /** Releases native resources, if any; the evaluator must not be used afterwards. */
    @Override
    void close();
}

package dev.cvd.scoring;

import java.util.Objects;

/**
 * The {@link Evaluator} over a {@link TreeEnsemble}: pure Java, no native code. Margins are
 * bit-identical to XGBoost's and probabilities within one float32 ulp (see {@link TreeEnsemble} for
 * the exact semantics). Thread-safe and allocation-free per row; {@link #close()} does nothing.
 */
public final class PureJavaEvaluator implements Evaluator {

    private final TreeEnsemble ensemble;

    /**
     * @param ensemble the model to evaluate
     */
    public PureJavaEvaluator(TreeEnsemble ensemble) {
        this.ensemble = Objects.requireNonNull(ensemble, "ensemble");
    }

    /**
     * @return the evaluated model
     */
    public TreeEnsemble ensemble() {
        return ensemble;
    }

    @Override
    public int featureCount() {
        return ensemble.featureCount();
    }

    @Override
    public float margin(double[] row) {
        return ensemble.margin(row);
    }

    @Override
    public double probability(double[] row) {
        return ensemble.probability(row);
    }

    @Override
    public void margins(double[][] rows, float[] out) {
        ensemble.margins(rows, out);
    }

    @Override
    public void probabilities(double[][] rows, double[] out) {
        ensemble.probabilities(rows, out);
    }

    @Override
    public void close() {
        // Nothing to release: the model lives on the Java heap.
    }
}

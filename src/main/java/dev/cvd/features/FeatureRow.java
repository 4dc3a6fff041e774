package dev.cvd.features;

import java.util.Arrays;
import java.util.Objects;

/**
 * One feature row of contract v1, as it travels on {@code ticks.features}.
 *
 * @param productId product of the quote
 * @param timeMicros the quote's event time after the monotone clamp, UTC microseconds
 * @param values the {@link FeatureContract#SIZE} values in contract order, NaN where missing; owned
 *     by the record (callers copy the engine's reused array before constructing one)
 */
public record FeatureRow(String productId, long timeMicros, double[] values) {

    public FeatureRow {
        Objects.requireNonNull(productId, "productId");
        if (values.length != FeatureContract.SIZE) {
            throw new IllegalArgumentException(
                    "a contract v1 row has "
                            + FeatureContract.SIZE
                            + " values, not "
                            + values.length);
        }
    }

    /** The value of a feature by its contract name. */
    public double get(String name) {
        return values[FeatureContract.indexOf(name)];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureRow r
                && r.productId.equals(productId)
                && r.timeMicros == timeMicros
                && Arrays.equals(r.values, values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(productId, timeMicros, Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "FeatureRow[" + productId + ", " + timeMicros + ", " + Arrays.toString(values) + "]";
    }
}

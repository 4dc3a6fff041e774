package dev.cvd.features;

/** Receives the feature rows that {@link FeatureEngine} emits, one per valid quote. */
@FunctionalInterface
public interface FeatureRowSink {

    /**
     * @param productId product of the quote
     * @param timeMicros the quote's event time after the monotone clamp, UTC microseconds
     * @param values the {@link FeatureContract#SIZE} feature values in contract order, NaN where
     *     missing. The array is reused by the engine: read or copy it before returning.
     */
    void accept(String productId, long timeMicros, double[] values);
}

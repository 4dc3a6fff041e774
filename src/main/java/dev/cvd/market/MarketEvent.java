package dev.cvd.market;

/**
 * One normalized market event of one product.
 *
 * <p>{@link #timeMicros()} is the event time in UTC microseconds since the epoch: the exchange's
 * timestamp when the source message carries one, otherwise the receive time of the recording, or
 * {@link EventTime#UNKNOWN} when neither exists.
 */
public sealed interface MarketEvent permits Quote, Trade, BookUpdate, SegmentBreak {

    /** The product, for example {@code BTC-USD}. */
    String productId();

    /** Event time in UTC microseconds, or {@link EventTime#UNKNOWN}. */
    long timeMicros();
}

package dev.cvd.market;

/**
 * Best bid and offer at one instant. Prices and sizes are as the source gave them; a missing value
 * is {@code NaN}. Validity (positive, finite, not crossed) is judged by consumers, so that a bad
 * quote can be counted where it is rejected.
 *
 * @param productId product id
 * @param timeMicros event time, UTC microseconds, or {@link EventTime#UNKNOWN}
 * @param bid best bid price, or NaN
 * @param bidQty size at the best bid, or NaN
 * @param ask best ask price, or NaN
 * @param askQty size at the best ask, or NaN
 */
public record Quote(
        String productId, long timeMicros, double bid, double bidQty, double ask, double askQty)
        implements MarketEvent {}

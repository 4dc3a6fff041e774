package dev.cvd.market;

/**
 * A break in a product's stream: events were lost between the previous event and the next (a
 * sequence gap or a reconnection of the live feed), so the next quote must start a new feature
 * segment instead of computing returns and windows across the hole.
 *
 * @param productId product id
 * @param timeMicros when the break was noticed (receive time), UTC microseconds, or {@link
 *     EventTime#UNKNOWN}
 */
public record SegmentBreak(String productId, long timeMicros) implements MarketEvent {}

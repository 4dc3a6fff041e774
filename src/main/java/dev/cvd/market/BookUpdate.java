package dev.cvd.market;

/**
 * One level-2 change: the new total size resting at a price on one side. A size of zero removes the
 * level. Snapshots are published as one update per level.
 *
 * @param productId product id
 * @param timeMicros event time, UTC microseconds, or {@link EventTime#UNKNOWN}
 * @param side book side
 * @param price price level
 * @param size new size at the level, zero to remove it
 */
public record BookUpdate(
        String productId, long timeMicros, BookSide side, double price, double size)
        implements MarketEvent {}

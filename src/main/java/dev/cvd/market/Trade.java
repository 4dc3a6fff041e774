package dev.cvd.market;

/**
 * One executed trade.
 *
 * @param productId product id
 * @param timeMicros trade time, UTC microseconds, or {@link EventTime#UNKNOWN}
 * @param price execution price
 * @param size executed base quantity
 * @param side the taker's side, {@link Side#UNKNOWN} when the source does not say
 */
public record Trade(String productId, long timeMicros, double price, double size, Side side)
        implements MarketEvent {}

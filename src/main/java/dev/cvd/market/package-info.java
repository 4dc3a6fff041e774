/**
 * Normalized market events: {@link dev.cvd.market.Quote}, {@link dev.cvd.market.Trade} and {@link
 * dev.cvd.market.BookUpdate}, keyed by product id and stamped with an event time in UTC
 * microseconds ({@link dev.cvd.market.EventTime}).
 *
 * <p>Every other module speaks these types; this module depends on nothing else in cvd. Events are
 * immutable records and therefore safe to share between threads.
 */
package dev.cvd.market;

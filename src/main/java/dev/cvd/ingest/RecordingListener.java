package dev.cvd.ingest;

import dev.cvd.market.MarketEvent;

/**
 * Receives what a {@link RecordingReader} decodes, in input order, on the reader's thread.
 *
 * <p>Every input line produces exactly one of: one or more {@link #onEvent} calls, one {@link
 * #onIgnored} call, or one {@link #onRejected} call. A line is decoded completely before any of its
 * events are delivered, so a line that fails half-way delivers nothing but its rejection.
 *
 * <p>Reason codes are the short, stable snake_case constants of {@link Reasons}.
 */
public interface RecordingListener {

    /** One normalized event. Events of one line arrive together, in the order the line gives. */
    void onEvent(MarketEvent event);

    /**
     * A line that carries no market data by design (subscription ack, heartbeat, candles, a sent
     * subscribe, a capture header, a connect line, status, a blank line, a CSV header).
     *
     * @param reason a short stable snake_case code from {@link Reasons}
     */
    default void onIgnored(String reason) {}

    /**
     * A line that could not be decoded.
     *
     * @param reason a short stable snake_case code from {@link Reasons}, such as {@link
     *     Reasons#MALFORMED_JSON} or {@link Reasons#MISSING_PRODUCT}
     * @param line the original text of the line, for a dead-letter topic
     */
    void onRejected(String reason, String line);
}

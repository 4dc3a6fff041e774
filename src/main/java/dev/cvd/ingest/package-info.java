/**
 * Ingest: turns Coinbase market data, live or recorded, into normalized {@link
 * dev.cvd.market.MarketEvent}s.
 *
 * <p>This module owns the Coinbase wire codecs (the Advanced Trade WebSocket frames, the older
 * Exchange feed frames, and the wrappers and flat rows that third-party collectors write around
 * them), the recordings reader ({@link dev.cvd.ingest.RecordingReader}), and later the live
 * WebSocket client, the replay source and the raw recorder. It publishes normalized events to the
 * {@code ticks.raw} topic and undecodable input, with its reason code, to {@code ticks.dlq}.
 *
 * <p>Event times follow feature contract v1: the exchange's timestamp when the message carries one,
 * otherwise the recording's receive time. The codecs are plain Java (Jackson only, no Quarkus
 * imports) and may depend on {@code dev.cvd.market} alone.
 */
package dev.cvd.ingest;

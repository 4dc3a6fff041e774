package dev.cvd.ingest.live;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Settings of the live Coinbase source ({@code cvd serve --source coinbase}) and of {@code cvd
 * record}. The limits default to well inside Coinbase's published ones: subscribe messages are
 * spaced (4 per connection, 250 ms apart: 4 messages/s, under the 8 per second per IP allowed
 * unauthenticated, and all sent within the 5 s Coinbase waits for a first subscribe), and
 * connection attempts back off exponentially from 1 s to 60 s, so at most 6 attempts fall in the
 * first minute of an outage and one a minute after that.
 */
@ConfigMapping(prefix = "cvd.coinbase")
public interface CoinbaseSettings {

    /** The Advanced Trade market-data WebSocket endpoint. */
    @WithDefault("wss://advanced-trade-ws.coinbase.com")
    String url();

    /** Products subscribed to on every channel. */
    @WithDefault("BTC-USD,ETH-USD")
    List<String> products();

    /**
     * A JWT added to each subscribe message as {@code jwt} (optional for market data; it raises
     * Coinbase's limits). Never logged.
     */
    Optional<String> jwt();

    /** Reconnect when nothing at all (heartbeats included) arrives for this long. */
    @WithDefault("PT15S")
    Duration watchdog();

    /** Time between two subscribe (or unsubscribe) messages on one connection. */
    @WithDefault("PT0.25S")
    Duration subscribeSpacing();

    /** First reconnect delay step; doubles per failed attempt, with jitter in [step/2, step]. */
    @WithDefault("PT1S")
    Duration backoffInitial();

    /** Largest reconnect delay step. */
    @WithDefault("PT60S")
    Duration backoffMax();

    /** A connection that lived this long resets the backoff to its first step. */
    @WithDefault("PT30S")
    Duration stableAfter();

    /** Give up a connection attempt that has not opened after this long. */
    @WithDefault("PT10S")
    Duration connectTimeout();

    /**
     * Level-2 resyncs (unsubscribe + subscribe) allowed per minute; beyond it the source reconnects
     * instead.
     */
    @WithDefault("6")
    int maxResyncsPerMinute();

    /**
     * Frames received and not yet processed; beyond it frames are dropped and counted, and the
     * books resynced, rather than the process running out of memory.
     */
    @WithDefault("100000")
    int queueCapacity();

    /** Folder of raw frame recordings ({@code .ndjson.gz}); no recording when unset. */
    Optional<String> recordDir();

    /** Uncompressed text per recording file before it rotates. */
    @WithDefault("536870912")
    long recordMaxBytes();

    /** Age of a recording file before it rotates. */
    @WithDefault("PT1H")
    Duration recordMaxAge();
}

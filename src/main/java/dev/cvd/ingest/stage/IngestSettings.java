package dev.cvd.ingest.stage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/** Settings of the ingest stage of {@code cvd serve}. */
@ConfigMapping(prefix = "cvd.ingest")
public interface IngestSettings {

    /** Run the ingest stage in this instance (publish onto ticks.raw). */
    @WithDefault("true")
    boolean enabled();

    /** Where events come from: {@code replay} (recordings) or {@code coinbase} (live). */
    @WithDefault("replay")
    String source();

    /** Recordings replayed by the {@code replay} source, read in order as one stream. */
    @WithDefault("replay/ticks_BTCUSD_20251201_164446_10min.ndjson.gz")
    List<String> recordings();

    /** Replay speed: the factor dividing the recording's inter-event times, or {@code max}. */
    @WithDefault("10")
    String speed();

    /**
     * Start over at the end of the recordings. Each pass is shifted in time past the previous one
     * (plus a gap that starts a new segment), so event time never runs backwards.
     */
    @WithDefault("false")
    boolean loop();

    /** Most events sent to Kafka and not yet acknowledged; the replay waits beyond it. */
    @WithDefault("4096")
    int maxInFlight();
}

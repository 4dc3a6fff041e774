package dev.cvd.kafka;

/**
 * Names of the reactive messaging channels, shared by the code and its tests. Every channel maps
 * onto one topic of {@link dev.cvd.market.Topics} in {@code application.properties}; a topic that
 * is both produced and consumed has two channels (one outgoing, one incoming), because a channel
 * that is both would silently become an in-memory channel.
 */
public final class Channels {

    /** Outgoing: normalized events onto {@code ticks.raw}. */
    public static final String RAW_OUT = "raw-out";

    /** Incoming: {@code ticks.raw} into the features stage. */
    public static final String RAW_IN = "raw-in";

    /** Outgoing: feature rows onto {@code ticks.features}. */
    public static final String FEATURES_OUT = "features-out";

    /** Incoming: {@code ticks.features} into the scoring stage. */
    public static final String FEATURES_IN = "features-in";

    /** Outgoing: predictions onto {@code ticks.predictions}. */
    public static final String PREDICTIONS_OUT = "predictions-out";

    /** Outgoing: rejected input onto {@code ticks.dlq}. */
    public static final String DLQ_OUT = "dlq-out";

    private Channels() {}
}

package dev.cvd.market;

/**
 * The Kafka topics that connect cvd's stages. Keys are product ids, so one product's records stay
 * ordered in one partition and instances scale out by partition.
 */
public final class Topics {

    /** Normalized market events, JSON ({@link RawEventCodec}), key = product id. */
    public static final String RAW = "ticks.raw";

    /** Feature contract rows, JSON, key = product id. */
    public static final String FEATURES = "ticks.features";

    /** Model predictions, JSON, key = product id. */
    public static final String PREDICTIONS = "ticks.predictions";

    /**
     * Rejected input: the original text as the value, the reason code in the {@code
     * dead-letter-reason} header.
     */
    public static final String DLQ = "ticks.dlq";

    /** Header of a dead-letter record that holds its reason code. */
    public static final String DLQ_REASON_HEADER = "dead-letter-reason";

    /** Header of a dead-letter record that says where the input came from (file and line). */
    public static final String DLQ_SOURCE_HEADER = "cvd-source";

    /** Header of a dead-letter record that names the stage that rejected it. */
    public static final String DLQ_STAGE_HEADER = "cvd-stage";

    private Topics() {}
}

package dev.cvd.ingest;

/**
 * The reason codes a {@link RecordingReader} passes to {@link RecordingListener#onIgnored} and
 * {@link RecordingListener#onRejected}. They are part of the module's contract (dead-letter records
 * and summaries carry them), so a code is never renamed, only added.
 */
public final class Reasons {

    // Ignored: lines that carry no market data by design.

    /** An empty or whitespace-only line. */
    public static final String BLANK = "blank";

    /** A subscription acknowledgement ({@code subscriptions} channel or type). */
    public static final String SUBSCRIPTIONS = "subscriptions";

    /** A heartbeat ({@code heartbeats} channel, {@code heartbeat} type). */
    public static final String HEARTBEAT = "heartbeat";

    /** A candles message: aggregates, not events. */
    public static final String CANDLES = "candles";

    /** A status message (products and currencies). */
    public static final String STATUS = "status";

    /** An authenticated channel ({@code user}, {@code futures_balance_summary}). */
    public static final String PRIVATE_CHANNEL = "private_channel";

    /** A message the collector sent, such as a subscribe request. */
    public static final String SENT = "sent";

    /** A capture file's header record. */
    public static final String HEADER = "header";

    /** A capture's connection record (connect, disconnect). */
    public static final String CONNECT = "connect";

    /** A capture's REST call record. */
    public static final String HTTP = "http";

    /** The header line of a CSV recording. */
    public static final String CSV_HEADER = "csv_header";

    /** A market data message that holds no entries (for example an empty update list). */
    public static final String EMPTY = "empty";

    // Rejected: lines that could not be decoded.

    /** Text that starts like JSON but does not parse. */
    public static final String MALFORMED_JSON = "malformed_json";

    /** Text or JSON of no known shape. */
    public static final String UNKNOWN_FORMAT = "unknown_format";

    /** A Coinbase frame whose {@code type} or {@code channel} this reader does not decode. */
    public static final String UNKNOWN_TYPE = "unknown_type";

    /** An {@code error} frame sent by Coinbase. */
    public static final String ERROR_FRAME = "error_frame";

    /** No product id in the message, its wrapper, or the mapping's default product. */
    public static final String MISSING_PRODUCT = "missing_product";

    /** A quote or trade with neither an exchange time nor a receive time. */
    public static final String MISSING_TIME = "missing_time";

    /** A time that is neither ISO-8601 nor a decimal epoch. */
    public static final String BAD_TIME = "bad_time";

    /** A price or size that is present but not a finite decimal number. */
    public static final String BAD_NUMBER = "bad_number";

    /** A book side or price level of unknown shape. */
    public static final String BAD_LEVEL = "bad_level";

    /** A CSV row whose number of columns differs from its header's. */
    public static final String CSV_COLUMNS = "csv_columns";

    /** An unexpected failure of the decoder itself: a bug, reported instead of thrown. */
    public static final String DECODE_ERROR = "decode_error";

    private Reasons() {}
}

package dev.cvd.ingest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Reads Coinbase recordings, whatever collector wrote them, into normalized market events.
 *
 * <p>The format is recognised per line, so files that mix formats are fine:
 *
 * <ol>
 *   <li>Advanced Trade frames {@code {"channel", "timestamp", "events"}} (see {@code
 *       AdvancedTradeCodec}): ticker entries are quotes at the frame's {@code timestamp}, each
 *       trade of {@code market_trades} a trade at its own {@code time} (oldest first), each {@code
 *       l2_data} entry a book update at the frame's {@code timestamp}.
 *   <li>Exchange feed messages with a {@code type}, and Advanced Trade ticker entries (see {@code
 *       ExchangeCodec}): {@code ticker} quotes, {@code match}/{@code last_match} trades, {@code
 *       snapshot}/{@code l2update} book updates, at the message's {@code time}.
 *   <li>Wrappers that hold one of the above, as an object or as a JSON string, under {@code
 *       payload}, {@code data}, {@code raw} or {@code msg}. The wrapper's time ({@code ts}, {@code
 *       timestamp}, {@code time}, {@code recv_ts}, {@code recv_time}, {@code receive_time}, {@code
 *       received_at}) is the receive time, used when the message has no time of its own; the
 *       wrapper's product ({@code product_id}, {@code product}, {@code pair}, {@code symbol}) is
 *       used when the message has none. Capture records {@code {"t": "recv" | "send" | "header" |
 *       "http" | "connect", ...}}: only {@code recv} records carry market data.
 *   <li>Exchange feed captures: lines {@code <receive epoch s>: <message>}, and connection lines
 *       {@code wss://... <-> ts} and {@code wss://... <- ts: <sent message>}.
 *   <li>Flat ticker or trade rows, JSON objects or CSV records after a header line, whose columns
 *       the {@link FieldMapping} finds.
 * </ol>
 *
 * <p>Times are UTC microseconds: the exchange's timestamp when the message carries one, otherwise
 * the receive time; a quote or trade with neither is rejected ({@link Reasons#MISSING_TIME}), a
 * book snapshot with neither has {@link EventTime#UNKNOWN}. ISO-8601 without a zone is UTC; digits
 * finer than a microsecond are truncated; epoch values are read exactly as written and rounded half
 * up to the microsecond. Missing prices and sizes are NaN; quotes are emitted even if invalid
 * (validity is judged downstream), but a value that is present and not a finite decimal rejects its
 * line ({@link Reasons#BAD_NUMBER}).
 *
 * <p>Trade sides are the taker's. Both Coinbase feeds report the maker's side (Exchange {@code
 * match}: documented by Coinbase; Advanced Trade {@code market_trades}: shown by the recordings),
 * so it is inverted; a flat row's {@code side} is taken as given.
 *
 * <p>Every line gets exactly one outcome (events, ignored, or rejected; see {@link
 * RecordingListener}) and bad content never throws. A reader keeps per-file state (a CSV header);
 * {@link #read} starts each file afresh. A reader is not thread-safe: use one per thread. The JSON
 * parser is shared and thread-safe.
 */
public final class RecordingReader {

    /** Fields of a wrapper that may hold the wrapped message, in the order tried. */
    static final String[] PAYLOAD_FIELDS = {"payload", "data", "raw", "msg"};

    /** Wrappers inside wrappers deeper than this are not recordings but garbage. */
    static final int MAX_DEPTH = 4;

    private static final int BUFFER_BYTES = 1 << 16;

    /**
     * The shared parser. Decimal numbers keep their exact text (epoch times such as {@code
     * 1762932011.609013} are rounded from it, not from a double); {@code NaN} tokens are accepted
     * because Python collectors write a missing float so; trailing text after the object rejects
     * the line; a wrapped level-2 snapshot may be one string of many megabytes.
     */
    static final ObjectMapper JSON =
            JsonMapper.builder(
                            JsonFactory.builder()
                                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                                    .streamReadConstraints(
                                            StreamReadConstraints.builder()
                                                    .maxStringLength(Integer.MAX_VALUE)
                                                    .build())
                                    .build())
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

    private final FieldMapping mapping;
    private final Envelope root;
    private final List<MarketEvent> pending = new ArrayList<>();
    private final FlatJsonDecoder fastPath;
    private CsvHeader csvHeader;

    /**
     * @param mapping how flat rows name their columns, and the default product id
     */
    public RecordingReader(FieldMapping mapping) {
        this(mapping, true);
    }

    /**
     * @param fastPath whether the commonest JSON lines go through {@link FlatJsonDecoder} first;
     *     without it every JSON line is read as a tree. Both decode every line alike.
     */
    RecordingReader(FieldMapping mapping, boolean fastPath) {
        this.mapping = Objects.requireNonNull(mapping, "mapping");
        this.root = Envelope.root(mapping);
        this.fastPath = fastPath ? new FlatJsonDecoder(mapping) : null;
    }

    /**
     * Streams one recording, plain text or gzip (recognised by its magic bytes, not its name), line
     * by line: memory use is bounded by the longest line, not the file. Per-file state starts
     * afresh.
     *
     * @throws IOException only for I/O failures, including a truncated gzip stream (after the lines
     *     before the damage were delivered)
     */
    public void read(Path file, RecordingListener listener) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                BufferedInputStream in = new BufferedInputStream(raw, BUFFER_BYTES)) {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            InputStream text =
                    b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in, BUFFER_BYTES) : in;
            // Malformed UTF-8 becomes U+FFFD and then, at worst, a rejected line.
            read(new Utf8Lines(text, BUFFER_BYTES), listener);
        }
    }

    /**
     * Reads lines until the end of the reader, as one file: per-file state starts afresh. Does not
     * close the reader.
     *
     * @throws IOException only for I/O failures
     */
    public void read(BufferedReader in, RecordingListener listener) throws IOException {
        read(in::readLine, listener);
    }

    /**
     * Reads lines until the source ends, as one file: per-file state starts afresh.
     *
     * <p>From {@link Utf8Lines} the fast path decodes each line straight from the line reader's
     * buffer, without making it a String first (nor copying that String back to bytes); only a line
     * it declines is made a String and decoded as {@link #decodeLine} does. The outcomes are the
     * same either way.
     *
     * @throws IOException only for I/O failures
     */
    public void read(Lines in, RecordingListener listener) throws IOException {
        csvHeader = null;
        if (in instanceof Utf8Lines bytes && fastPath != null) {
            while (bytes.advance()) {
                pending.clear();
                if (fastPath.decode(
                        bytes.buffer(), bytes.lineStart(), bytes.lineEnd(), root, pending)) {
                    deliver(null, listener);
                } else {
                    decodeLine(bytes.line(), true, listener);
                }
            }
            return;
        }
        String line;
        while ((line = in.next()) != null) {
            decodeLine(line, listener);
        }
    }

    /** A source of text lines, without their terminators. */
    @FunctionalInterface
    public interface Lines {

        /** The next line, or null at the end. */
        String next() throws IOException;
    }

    /**
     * Decodes one line (without its line terminator) and reports the outcome to the listener. State
     * such as a CSV header carries over to the next line. Never throws for bad content; exceptions
     * thrown by the listener propagate.
     */
    public void decodeLine(String line, RecordingListener listener) {
        decodeLine(line, false, listener);
    }

    /**
     * As {@link #decodeLine(String, RecordingListener)}.
     *
     * @param declined whether the fast path has already declined the whole line as bytes; it is not
     *     tried on the String again, which holds the same ASCII text or is not ASCII (declined
     *     either way)
     */
    private void decodeLine(String line, boolean declined, RecordingListener listener) {
        pending.clear();
        String ignored;
        try {
            ignored = decode(line, declined);
        } catch (DecodeException e) {
            listener.onRejected(e.reason(), line);
            return;
        } catch (JacksonException e) {
            listener.onRejected(Reasons.MALFORMED_JSON, line);
            return;
        } catch (RuntimeException e) {
            // Not expected for any input; kept so that a decoder bug costs one line, not the
            // stream, and shows up under its own reason.
            listener.onRejected(Reasons.DECODE_ERROR, line);
            return;
        }
        deliver(ignored, listener);
    }

    /** Reports a decoded line: its ignore reason, or the events in {@link #pending}. */
    private void deliver(String ignored, RecordingListener listener) {
        if (ignored != null) {
            listener.onIgnored(ignored);
        } else if (pending.isEmpty()) {
            listener.onIgnored(Reasons.EMPTY);
        } else {
            for (MarketEvent event : pending) {
                listener.onEvent(event);
            }
        }
        pending.clear();
    }

    /** Decodes into {@link #pending}; returns the ignore reason, or null for events. */
    private String decode(String line, boolean declined) throws JacksonException {
        int n = line.length();
        int i = 0;
        while (i < n && isBlank(line.charAt(i))) {
            i++;
        }
        if (i == n) {
            return Reasons.BLANK;
        }
        char c = line.charAt(i);
        if (c == '{' || c == '[') {
            return decodeJson(line, root, !declined);
        }
        if (line.startsWith("wss://", i) || line.startsWith("ws://", i)) {
            return connectionLine(line, i);
        }
        int json = afterReceiveTimePrefix(line, i);
        if (json > 0) {
            long receiveTime = Values.time(line.substring(i, line.indexOf(':', i)));
            return decodeJson(line.substring(json), root.refine(receiveTime, null), true);
        }
        return csvLine(line);
    }

    /** Spaces, tabs, a stray carriage return, and the byte-order mark of a file's first line. */
    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\uFEFF';
    }

    /**
     * The position of the message after a capture prefix {@code <epoch>: }, or -1 if the line has
     * none. Scanned by hand: a regular expression per line would cost more than the JSON parse.
     */
    private static int afterReceiveTimePrefix(String line, int from) {
        int n = line.length();
        int i = from;
        boolean digit = false;
        while (i < n
                && ((line.charAt(i) >= '0' && line.charAt(i) <= '9') || line.charAt(i) == '.')) {
            digit |= line.charAt(i) != '.';
            i++;
        }
        if (!digit || i >= n || line.charAt(i) != ':') {
            return -1;
        }
        i++;
        while (i < n && line.charAt(i) == ' ') {
            i++;
        }
        return i < n && line.charAt(i) == '{' ? i : -1;
    }

    /** {@code wss://host <-> ts} opens a connection; {@code wss://host <- ts: msg} was sent. */
    private static String connectionLine(String line, int from) {
        int space = line.indexOf(' ', from);
        if (space > 0) {
            if (line.startsWith(" <-> ", space)) {
                return Reasons.CONNECT;
            }
            if (line.startsWith(" <- ", space)) {
                return Reasons.SENT;
            }
        }
        throw new DecodeException(Reasons.UNKNOWN_FORMAT, "connection line of unknown shape");
    }

    /**
     * Decodes a JSON message: by the fast path if it may and takes it, else as a tree.
     *
     * @param tryFastPath false if the fast path is known to decline this text
     */
    private String decodeJson(String text, Envelope env, boolean tryFastPath)
            throws JacksonException {
        if (tryFastPath && fastPath != null && fastPath.decode(text, env, pending)) {
            return null;
        }
        JsonNode node = JSON.readTree(text);
        if (!node.isObject()) {
            throw new DecodeException(Reasons.UNKNOWN_FORMAT, "JSON that is not an object");
        }
        return decodeObject(node, env, 0);
    }

    private String decodeObject(JsonNode obj, Envelope env, int depth) throws JacksonException {
        String type = textField(obj, "type");
        if ("error".equals(type)) {
            throw new DecodeException(Reasons.ERROR_FRAME, Values.text(obj.get("message")));
        }
        String channel = textField(obj, "channel");
        if (channel != null && obj.has("events")) {
            return AdvancedTradeCodec.decode(channel, obj, env, pending);
        }
        if (type != null && ExchangeCodec.handles(type)) {
            return ExchangeCodec.decode(type, obj, env, pending);
        }
        String captureRecord = captureRecordReason(textField(obj, "t"));
        if (captureRecord != null) {
            return captureRecord;
        }
        if (depth < MAX_DEPTH) {
            for (String field : PAYLOAD_FIELDS) {
                JsonNode inner = payload(obj.get(field));
                if (inner != null) {
                    Envelope innerEnv = env.refine(obj);
                    return decodeObject(inner, innerEnv, depth + 1);
                }
            }
        }
        FlatRow row = new FlatRow.Json(obj);
        if (row.isMarketData(mapping)) {
            row.decode(mapping, env, pending);
            return null;
        }
        throw new DecodeException(
                type != null || channel != null ? Reasons.UNKNOWN_TYPE : Reasons.UNKNOWN_FORMAT,
                type != null ? "type " + type : "object of unknown shape");
    }

    /**
     * Records of a capture ({@code "t"}) other than {@code recv} carry no market data; {@code recv}
     * records are wrappers, decoded as such.
     */
    static String captureRecordReason(String t) {
        if (t == null) {
            return null;
        }
        return switch (t) {
            case "send" -> Reasons.SENT;
            case "header" -> Reasons.HEADER;
            case "connect", "disconnect" -> Reasons.CONNECT;
            case "http" -> Reasons.HTTP;
            default -> null;
        };
    }

    /** The wrapped message: an object, or a string holding one; null if neither. */
    private static JsonNode payload(JsonNode value) throws JacksonException {
        if (value == null) {
            return null;
        }
        if (value.isObject()) {
            return value;
        }
        if (value.isTextual()) {
            String s = value.textValue();
            int i = 0;
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i < s.length() && s.charAt(i) == '{') {
                return JSON.readTree(s);
            }
        }
        return null;
    }

    private static String textField(JsonNode obj, String field) {
        JsonNode v = obj.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    private String csvLine(String line) {
        CsvHeader header = CsvHeader.detect(line, mapping);
        if (header != null) {
            csvHeader = header;
            return Reasons.CSV_HEADER;
        }
        if (csvHeader == null) {
            throw new DecodeException(Reasons.UNKNOWN_FORMAT, "text that is not a known format");
        }
        List<String> cells = CsvHeader.split(line, csvHeader.separator());
        if (cells.size() != csvHeader.size()) {
            throw new DecodeException(
                    Reasons.CSV_COLUMNS,
                    cells.size() + " cells under a header of " + csvHeader.size());
        }
        new FlatRow.Csv(csvHeader, cells).decode(mapping, root, pending);
        return null;
    }
}

package dev.cvd.ingest;

import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import dev.cvd.market.Trade;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The fast path of {@link RecordingReader} for the lines most recordings consist of: an Exchange
 * feed {@code ticker} (or Advanced Trade ticker entry) or {@code match} message, or a flat ticker
 * or trade row, bare or wrapped as an object under a collector's payload field, as in the bundled
 * corpus: {@code {"timestamp": ..., "product_id": ..., "raw": {"type": "ticker", ...}}}.
 *
 * <p>Instead of building a tree with Jackson it scans the line once, keeping the text of only the
 * strings some rule reads. It reads a strict subset of JSON: objects, strings without escapes,
 * {@code null}, {@code true}, {@code false} and short numbers without an exponent; anything else
 * (escapes, arrays, long numbers, {@code NaN}, comments, duplicate names of a field it reads, deep
 * nesting) makes it decline. Within that subset Jackson reads the same text, so the same strings.
 *
 * <p>It declines (decodes nothing and returns false) every line it cannot decode exactly as the
 * tree decoder would: besides JSON outside the subset, other types and channels, numbers or
 * booleans where a value is read, a payload given as a JSON string, and every line that is rejected
 * or ignored. The reader then decodes the line as a tree, so a line's outcome never depends on the
 * path that took it; a decline costs one extra scan of a line that is rare in practice.
 *
 * <p>The rules below mirror {@code RecordingReader.decodeObject}, {@link ExchangeCodec} and {@link
 * Envelope}; a change there must be made here too (the corpus parity test compares both paths). Not
 * thread-safe: one per reader.
 */
final class FlatJsonDecoder {

    /** A JSON null. */
    private static final Object NULL = new Object();

    /** A number or boolean: never read here, so the line is declined if a rule needs it. */
    private static final Object OTHER = new Object();

    /** Objects nested deeper than this are left to the tree decoder. */
    private static final int MAX_NESTING = 8;

    /** Longer names are left to the tree decoder (Jackson limits names to 50,000 chars). */
    private static final int MAX_NAME = 1_000;

    /**
     * Longer lines (level-2 snapshots) are left to the tree decoder: the scan buffer stays small.
     */
    private static final int MAX_LINE = 1 << 16;

    /** Longer numbers are left to the tree decoder, which could fail to convert them. */
    private static final int MAX_NUMBER = 24;

    /** Thrown to decline a line; carries no stack trace, as it is not an error. */
    private static final RuntimeException DECLINE =
            new RuntimeException("declined", null, false, false) {};

    private final FieldMapping mapping;

    /** The names some rule reads; a member's slot in {@link Fields} is its index here. */
    private final String[] names;

    /** Open-addressing hash table of {@link #names}: index + 1, or 0 for an empty entry. */
    private final int[] table;

    /** Objects of the current line, reused from line to line. */
    private final List<Fields> objects = new ArrayList<>();

    private int objectsUsed;

    /** The text being scanned, copied (scanning an array is faster), its length, the position. */
    private char[] buf = new char[1024];

    private int end;

    private int pos;

    FlatJsonDecoder(FieldMapping mapping) {
        this.mapping = mapping;
        Set<String> read = new LinkedHashSet<>();
        read.addAll(
                List.of(
                        "type",
                        "channel",
                        "events",
                        "t",
                        "time",
                        "best_bid",
                        "best_ask",
                        "best_bid_size",
                        "best_bid_quantity",
                        "best_ask_size",
                        "best_ask_quantity",
                        "price",
                        "size",
                        "side"));
        read.addAll(List.of(RecordingReader.PAYLOAD_FIELDS));
        read.addAll(List.of(Envelope.RECEIVE_TIME_FIELDS));
        read.addAll(List.of(Envelope.PRODUCT_FIELDS));
        for (FieldMapping.Field f : FieldMapping.Field.values()) {
            read.addAll(mapping.columns(f));
        }
        names = read.toArray(String[]::new);
        table = new int[Integer.highestOneBit(names.length * 4 - 1) << 1];
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            int at = hash(name) & (table.length - 1);
            while (table[at] != 0) {
                at = (at + 1) & (table.length - 1);
            }
            table[at] = i + 1;
        }
    }

    /**
     * Decodes a JSON line (or the message after a capture prefix) into one event appended to {@code
     * out}, or declines.
     *
     * @return true if the event was appended; false if the line is left to the tree decoder, and
     *     {@code out} is unchanged
     */
    boolean decode(String json, Envelope env, List<MarketEvent> out) {
        end = json.length();
        if (end > MAX_LINE || json.indexOf('\\') >= 0) {
            // Escapes are left to the tree decoder, so a string ends at the next quote.
            return false;
        }
        if (buf.length < end) {
            buf = new char[Math.max(end, buf.length * 2)];
        }
        json.getChars(0, end, buf, 0);
        pos = 0;
        objectsUsed = 0;
        try {
            skipWhitespace();
            if (peek() != '{') {
                return false;
            }
            Fields root = object(0);
            skipWhitespace();
            if (pos != end) {
                return false;
            }
            MarketEvent event = message(root, env, 0);
            if (event == null) {
                return false;
            }
            out.add(event);
            return true;
        } catch (RuntimeException e) {
            // JSON outside the subset, a value that rejects the line, or a shape left to the tree.
            return false;
        }
    }

    /** Reads the object at {@link #pos}, up to and including its closing brace. */
    private Fields object(int nesting) {
        if (nesting > MAX_NESTING) {
            throw DECLINE;
        }
        pos++;
        Fields f = newFields();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return f;
        }
        while (true) {
            expect('"');
            int slot = name();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object value = value(slot >= 0, nesting);
            if (slot >= 0) {
                if (f.values[slot] != null) {
                    // The tree keeps the last of duplicate names; not worth mirroring.
                    throw DECLINE;
                }
                f.values[slot] = value;
            }
            skipWhitespace();
            char c = next();
            if (c == '}') {
                return f;
            }
            if (c != ',') {
                throw DECLINE;
            }
            skipWhitespace();
        }
    }

    /** Reads a member's name after its opening quote; its slot, or -1 if no rule reads it. */
    private int name() {
        int start = pos;
        int close = closingQuote(start);
        pos = close + 1;
        int length = close - start;
        if (length > MAX_NAME) {
            throw DECLINE;
        }
        if (length == 0) {
            return -1;
        }
        int hash = hash(length, buf[start], buf[close - 1]);
        for (int at = hash & (table.length - 1);
                table[at] != 0;
                at = (at + 1) & (table.length - 1)) {
            String name = names[table[at] - 1];
            if (name.length() == length && matches(name, start)) {
                return table[at] - 1;
            }
        }
        return -1;
    }

    /** The hash of a name (never empty: a mapping drops empty names). */
    private static int hash(String name) {
        return hash(name.length(), name.charAt(0), name.charAt(name.length() - 1));
    }

    /** A cheap hash of a name, from its length and its first and last characters. */
    private static int hash(int length, char first, char last) {
        return (length * 31 + first) * 31 + last;
    }

    /** Whether the text at a position starts with a word. */
    private boolean matches(String word, int at) {
        if (at + word.length() > end) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (buf[at + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Reads the value at {@link #pos}: a string (its text if kept), NULL, OTHER or an object. */
    private Object value(boolean keep, int nesting) {
        switch (peek()) {
            case '"':
                return string(keep);
            case '{':
                return object(nesting + 1);
            case 'n':
                literal("null");
                return NULL;
            case 't':
                literal("true");
                return OTHER;
            case 'f':
                literal("false");
                return OTHER;
            default:
                number();
                return OTHER;
        }
    }

    private Object string(boolean keep) {
        int start = pos + 1;
        int close = closingQuote(start);
        pos = close + 1;
        return keep ? new String(buf, start, close - start) : "";
    }

    /**
     * The position of the quote that closes a string or name starting at {@code from} (the line has
     * no escapes); declines control characters, which Jackson rejects, and an unclosed string.
     */
    private int closingQuote(int from) {
        char[] b = buf;
        int n = end;
        for (int i = from; i < n; i++) {
            char c = b[i];
            if (c == '"') {
                return i;
            }
            if (c < 0x20) {
                throw DECLINE;
            }
        }
        throw DECLINE;
    }

    private void literal(String word) {
        if (!matches(word, pos)) {
            throw DECLINE;
        }
        pos += word.length();
    }

    /**
     * A JSON number without an exponent, {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?}, not too long: the
     * tree converts those without fail (an exponent can be out of a BigDecimal's range).
     */
    private void number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else {
            digits();
        }
        if (peek() == '.') {
            pos++;
            digits();
        }
        if (pos - start > MAX_NUMBER) {
            throw DECLINE;
        }
    }

    /** One or more digits. */
    private void digits() {
        int start = pos;
        while (pos < end && buf[pos] >= '0' && buf[pos] <= '9') {
            pos++;
        }
        if (pos == start) {
            throw DECLINE;
        }
    }

    /** JSON's whitespace, as Jackson skips it. */
    private void skipWhitespace() {
        char[] b = buf;
        int i = pos;
        while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
        pos = i;
    }

    /** The character at {@link #pos}, or 0 at the end. */
    private char peek() {
        return pos < end ? buf[pos] : 0;
    }

    /** The character at {@link #pos}, consumed; declines at the end. */
    private char next() {
        if (pos >= end) {
            throw DECLINE;
        }
        return buf[pos++];
    }

    private void expect(char c) {
        if (next() != c) {
            throw DECLINE;
        }
    }

    private Fields newFields() {
        if (objectsUsed == objects.size()) {
            objects.add(new Fields());
        }
        Fields f = objects.get(objectsUsed++);
        Arrays.fill(f.values, null);
        return f;
    }

    /** The slot of a name some rule reads. */
    private int slot(String name) {
        int mask = table.length - 1;
        for (int at = hash(name) & mask; table[at] != 0; at = (at + 1) & mask) {
            if (names[table[at] - 1].equals(name)) {
                return table[at] - 1;
            }
        }
        throw new IllegalStateException("no slot for " + name);
    }

    /** As {@code RecordingReader.decodeObject}; null to decline. */
    private MarketEvent message(Fields obj, Envelope env, int depth) {
        String type = obj.textual("type");
        String channel = obj.textual("channel");
        if ("error".equals(type) || (channel != null && obj.has("events"))) {
            return null;
        }
        if (type != null && ExchangeCodec.handles(type)) {
            return switch (type) {
                case "ticker" -> quote(obj, env);
                case "match", "last_match" -> trade(obj, env);
                default -> null;
            };
        }
        if (RecordingReader.captureRecordReason(obj.textual("t")) != null) {
            return null;
        }
        if (depth < RecordingReader.MAX_DEPTH) {
            for (String field : RecordingReader.PAYLOAD_FIELDS) {
                Object v = obj.get(field);
                if (v instanceof Fields inner) {
                    Envelope innerEnv = env.refine(receiveTimeOf(obj), productFieldOf(obj));
                    return message(inner, innerEnv, depth + 1);
                }
                if (v instanceof String s && isJsonObject(s)) {
                    // A message as a JSON string: the tree decoder reads it.
                    return null;
                }
            }
        }
        FlatRow row = new Row(obj);
        if (!row.isMarketData(mapping)) {
            return null;
        }
        List<MarketEvent> one = new ArrayList<>(1);
        row.decode(mapping, env, one);
        return one.get(0);
    }

    /** Whether a string holds an object, as {@code RecordingReader.payload} tells. */
    private static boolean isJsonObject(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i < s.length() && s.charAt(i) == '{';
    }

    /** As {@link ExchangeCodec#quote}. */
    private static Quote quote(Fields msg, Envelope env) {
        return new Quote(
                productOf(msg, env),
                requiredTime(msg.time("time"), msg, env),
                msg.number("best_bid"),
                msg.number(msg.has("best_bid_size") ? "best_bid_size" : "best_bid_quantity"),
                msg.number("best_ask"),
                msg.number(msg.has("best_ask_size") ? "best_ask_size" : "best_ask_quantity"));
    }

    /** As {@code ExchangeCodec.trade}. */
    private static Trade trade(Fields msg, Envelope env) {
        return new Trade(
                productOf(msg, env),
                requiredTime(msg.time("time"), msg, env),
                msg.number("price"),
                msg.number("size"),
                Sides.takerFromMaker(msg.text("side")));
    }

    /** As {@link Envelope#productOf}. */
    private static String productOf(Fields msg, Envelope env) {
        String p = msg.text("product_id");
        if (p == null) {
            p = productFieldOf(msg);
        }
        if (p == null) {
            p = env.product();
        }
        if (p == null) {
            throw DECLINE;
        }
        return p;
    }

    /** As {@link Envelope#requiredTime}. */
    private static long requiredTime(long messageTime, Fields msg, Envelope env) {
        long t = env.timeOr(messageTime);
        if (t == EventTime.UNKNOWN) {
            t = receiveTimeOf(msg);
        }
        if (t == EventTime.UNKNOWN) {
            throw DECLINE;
        }
        return t;
    }

    /** As {@link Envelope#receiveTimeOf}. */
    private static long receiveTimeOf(Fields record) {
        for (String field : Envelope.RECEIVE_TIME_FIELDS) {
            long t = record.time(field);
            if (t != EventTime.UNKNOWN) {
                return t;
            }
        }
        return EventTime.UNKNOWN;
    }

    /** As {@link Envelope#productFieldOf}. */
    private static String productFieldOf(Fields record) {
        for (String field : Envelope.PRODUCT_FIELDS) {
            String p = record.text(field);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    /**
     * The members of one JSON object that some rule reads, by slot: a string's text, {@link #NULL},
     * {@link #OTHER}, a nested object's {@code Fields}, or null if absent. The readers mirror
     * {@link Values} on a tree node, and decline where the tree would read a number or boolean.
     */
    private final class Fields {
        final Object[] values = new Object[names.length];

        boolean has(String name) {
            return get(name) != null;
        }

        /** The value, or null if absent. */
        Object get(String name) {
            return values[slot(name)];
        }

        /** A string value's text, even empty; null if absent or not a string. */
        String textual(String name) {
            return get(name) instanceof String v ? v : null;
        }

        /** As {@link Values#text}. */
        String text(String name) {
            return scalar(name) instanceof String v && !v.isEmpty() ? v : null;
        }

        /** As {@link Values#number}. */
        double number(String name) {
            return scalar(name) instanceof String v ? Values.decimal(v) : Double.NaN;
        }

        /** As {@link Values#time}. */
        long time(String name) {
            return scalar(name) instanceof String v ? Values.time(v) : EventTime.UNKNOWN;
        }

        /** A string, or null if absent or JSON null; declines anything else. */
        private Object scalar(String name) {
            Object v = get(name);
            if (v == null || v == NULL) {
                return null;
            }
            if (v instanceof String) {
                return v;
            }
            // A number, boolean or object: left to the tree decoder.
            throw DECLINE;
        }
    }

    /** A flat row read from {@link Fields}, as {@link FlatRow.Json} reads a tree. */
    private static final class Row extends FlatRow {
        private final Fields row;

        Row(Fields row) {
            this.row = row;
        }

        @Override
        boolean has(String column) {
            return row.has(column);
        }

        @Override
        String text(String column) {
            return row.text(column);
        }

        @Override
        double number(String column) {
            return row.number(column);
        }

        @Override
        long time(String column) {
            return row.time(column);
        }
    }
}

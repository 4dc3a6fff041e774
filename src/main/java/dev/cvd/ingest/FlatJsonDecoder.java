package dev.cvd.ingest;

import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import dev.cvd.market.Trade;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
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
 * strings some rule reads. It reads a strict subset of JSON in ASCII: objects, strings without
 * escapes, {@code null}, {@code true}, {@code false} and short numbers without an exponent;
 * anything else (escapes, any character outside ASCII, arrays, long numbers, {@code NaN}, comments,
 * duplicate names of a field it reads, deep nesting) makes it decline. Within that subset Jackson
 * reads the same text, so the same strings.
 *
 * <p>It scans bytes, so that a line can be decoded where it lies in {@link Utf8Lines}' buffer
 * without being made a String first; a line given as a String is copied to bytes first. In ASCII a
 * byte is a character, whatever the encoding, and a String is made of a kept value's bytes
 * directly. Every byte of a line it takes is looked at, so it takes only lines that are ASCII
 * throughout, and it takes them the same way from bytes or from a String.
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
     * Longer lines (level-2 snapshots, never a shape read here) are left to the tree decoder, from
     * bytes as from a String: the copy of a String line stays small.
     */
    private static final int MAX_LINE = 1 << 16;

    /** Longer numbers are left to the tree decoder, which could fail to convert them. */
    private static final int MAX_NUMBER = 24;

    private static final byte[] NULL_TEXT = ascii("null");
    private static final byte[] TRUE_TEXT = ascii("true");
    private static final byte[] FALSE_TEXT = ascii("false");

    /** Thrown to decline a line; carries no stack trace, as it is not an error. */
    private static final RuntimeException DECLINE =
            new RuntimeException("declined", null, false, false) {};

    /**
     * The names the rules below read whatever the mapping. Each one's slot in {@link Fields} is its
     * index here, a constant, so that a rule reads a member without looking its name up (looking
     * names up took about a tenth of a line's decoding); a mapping's own columns take the slots
     * after these.
     */
    private static final List<String> RULE_NAMES = ruleNames();

    private static final int TYPE = ruleSlot("type");
    private static final int CHANNEL = ruleSlot("channel");
    private static final int EVENTS = ruleSlot("events");
    private static final int T = ruleSlot("t");
    private static final int TIME = ruleSlot("time");
    private static final int PRODUCT_ID = ruleSlot("product_id");
    private static final int BEST_BID = ruleSlot("best_bid");
    private static final int BEST_ASK = ruleSlot("best_ask");
    private static final int BEST_BID_SIZE = ruleSlot("best_bid_size");
    private static final int BEST_BID_QUANTITY = ruleSlot("best_bid_quantity");
    private static final int BEST_ASK_SIZE = ruleSlot("best_ask_size");
    private static final int BEST_ASK_QUANTITY = ruleSlot("best_ask_quantity");
    private static final int PRICE = ruleSlot("price");
    private static final int SIZE = ruleSlot("size");
    private static final int SIDE = ruleSlot("side");

    /** The slots of {@link RecordingReader#PAYLOAD_FIELDS}, in the order tried. */
    private static final int[] PAYLOADS = ruleSlots(RecordingReader.PAYLOAD_FIELDS);

    /** The slots of {@link Envelope#RECEIVE_TIME_FIELDS}, in the order tried. */
    private static final int[] RECEIVE_TIMES = ruleSlots(Envelope.RECEIVE_TIME_FIELDS);

    /** The slots of {@link Envelope#PRODUCT_FIELDS}, in the order tried. */
    private static final int[] PRODUCTS = ruleSlots(Envelope.PRODUCT_FIELDS);

    private final FieldMapping mapping;

    /**
     * The names some rule reads, {@link #RULE_NAMES} first; a member's slot in {@link Fields} is
     * its index here.
     */
    private final String[] names;

    /**
     * {@link #names} as UTF-8, to compare with a name as scanned (a name beyond ASCII never
     * matches: the scan declines it first).
     */
    private final byte[][] nameBytes;

    /** Open-addressing hash table of {@link #names}: index + 1, or 0 for an empty entry. */
    private final int[] table;

    /** Objects of the current line, reused from line to line. */
    private final List<Fields> objects = new ArrayList<>();

    private int objectsUsed;

    /**
     * The bytes being scanned (a line reader's buffer, or {@link #copy}); the line ends at {@link
     * #end}; the scan is at {@link #pos}.
     */
    private byte[] buf;

    private int end;

    private int pos;

    /**
     * A String line's chars, then its bytes, and the encoder's views of them, kept from line to
     * line.
     */
    private char[] chars;

    private byte[] copy;

    private CharBuffer charView;

    private ByteBuffer byteView;

    /**
     * Copies chars to bytes one for one and stops at the first char beyond Latin-1 (a lone
     * surrogate too); a char beyond ASCII within Latin-1 becomes a byte that the scan declines.
     * String's own conversions will not do: they replace a char they cannot encode with {@code ?},
     * which the scan would take for the text.
     */
    private final CharsetEncoder latin1 = StandardCharsets.ISO_8859_1.newEncoder();

    FlatJsonDecoder(FieldMapping mapping) {
        this.mapping = mapping;
        allocateCopy(1024);
        Set<String> read = new LinkedHashSet<>(RULE_NAMES);
        for (FieldMapping.Field f : FieldMapping.Field.values()) {
            read.addAll(mapping.columns(f));
        }
        names = read.toArray(String[]::new);
        nameBytes = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            nameBytes[i] = names[i].getBytes(StandardCharsets.UTF_8);
        }
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

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static List<String> ruleNames() {
        Set<String> names =
                new LinkedHashSet<>(
                        List.of(
                                "type",
                                "channel",
                                "events",
                                "t",
                                "time",
                                "product_id",
                                "best_bid",
                                "best_ask",
                                "best_bid_size",
                                "best_bid_quantity",
                                "best_ask_size",
                                "best_ask_quantity",
                                "price",
                                "size",
                                "side"));
        names.addAll(List.of(RecordingReader.PAYLOAD_FIELDS));
        names.addAll(List.of(Envelope.RECEIVE_TIME_FIELDS));
        names.addAll(List.of(Envelope.PRODUCT_FIELDS));
        return List.copyOf(names);
    }

    private static int ruleSlot(String name) {
        int slot = RULE_NAMES.indexOf(name);
        if (slot < 0) {
            throw new IllegalStateException("no rule slot for " + name);
        }
        return slot;
    }

    private static int[] ruleSlots(String[] names) {
        int[] slots = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            slots[i] = ruleSlot(names[i]);
        }
        return slots;
    }

    /**
     * Decodes a JSON line (or the message after a capture prefix) into one event appended to {@code
     * out}, or declines.
     *
     * @return true if the event was appended; false if the line is left to the tree decoder, and
     *     {@code out} is unchanged
     */
    boolean decode(String json, Envelope env, List<MarketEvent> out) {
        int n = json.length();
        if (n > MAX_LINE) {
            return false;
        }
        if (chars.length < n) {
            allocateCopy(Math.max(n, chars.length * 2));
        }
        json.getChars(0, n, chars, 0);
        charView.clear().limit(n);
        byteView.clear();
        latin1.reset();
        if (latin1.encode(charView, byteView, true).isError()) {
            return false;
        }
        return decode(copy, 0, n, env, out);
    }

    private void allocateCopy(int length) {
        chars = new char[length];
        copy = new byte[length];
        charView = CharBuffer.wrap(chars);
        byteView = ByteBuffer.wrap(copy);
    }

    /**
     * Decodes a JSON line held as UTF-8 bytes, {@code line[from, to)}, as {@link #decode(String,
     * Envelope, List)} decodes its text.
     *
     * @return true if the event was appended; false if the line is left to the tree decoder, and
     *     {@code out} is unchanged
     */
    boolean decode(byte[] line, int from, int to, Envelope env, List<MarketEvent> out) {
        if (to - from > MAX_LINE) {
            return false;
        }
        buf = line;
        pos = from;
        end = to;
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
            byte c = next();
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
            byte[] name = nameBytes[table[at] - 1];
            if (name.length == length && matches(name, start)) {
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
    private static int hash(int length, int first, int last) {
        return (length * 31 + first) * 31 + last;
    }

    /** Whether the text at a position starts with a word. */
    private boolean matches(byte[] word, int at) {
        if (at + word.length > end) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (buf[at + i] != word[i]) {
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
                literal(NULL_TEXT);
                return NULL;
            case 't':
                literal(TRUE_TEXT);
                return OTHER;
            case 'f':
                literal(FALSE_TEXT);
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
        // ASCII, so Latin-1 reads the bytes as they are, in one copy.
        return keep ? new String(buf, start, close - start, StandardCharsets.ISO_8859_1) : "";
    }

    /**
     * The position of the quote that closes a string or name starting at {@code from}; declines an
     * escape (so that a string ends at the next quote), a control character (which Jackson
     * rejects), a byte beyond ASCII, and an unclosed string. Looks at eight bytes at a time while
     * eight are left: strings are most of a line.
     */
    private int closingQuote(int from) {
        byte[] b = buf;
        int n = end;
        int i = from;
        for (; i <= n - Long.BYTES; i += Long.BYTES) {
            long word = ByteWords.word(b, i);
            // Bytes beyond ASCII are marked by their own high bit.
            long marks =
                    ByteWords.equal(word, '"')
                            | ByteWords.equal(word, '\\')
                            | ByteWords.below(word, 0x20)
                            | (word & ByteWords.HIGHS);
            if (marks != 0) {
                int at = ByteWords.first(i, marks);
                if (b[at] == '"') {
                    return at;
                }
                throw DECLINE;
            }
        }
        for (; i < n; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c < 0x20 || c == '\\') {
                // Bytes are signed: those beyond ASCII are negative.
                throw DECLINE;
            }
        }
        throw DECLINE;
    }

    private void literal(byte[] word) {
        if (!matches(word, pos)) {
            throw DECLINE;
        }
        pos += word.length;
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
        byte[] b = buf;
        int i = pos;
        while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
        pos = i;
    }

    /** The byte at {@link #pos}, or 0 at the end. */
    private byte peek() {
        return pos < end ? buf[pos] : 0;
    }

    /** The byte at {@link #pos}, consumed; declines at the end. */
    private byte next() {
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

    /** The slot of a name some rule reads: a mapping's column. */
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
        String type = obj.textual(TYPE);
        String channel = obj.textual(CHANNEL);
        if ("error".equals(type) || (channel != null && obj.has(EVENTS))) {
            return null;
        }
        if (type != null && ExchangeCodec.handles(type)) {
            return switch (type) {
                case "ticker" -> quote(obj, env);
                case "match", "last_match" -> trade(obj, env);
                default -> null;
            };
        }
        if (RecordingReader.captureRecordReason(obj.textual(T)) != null) {
            return null;
        }
        if (depth < RecordingReader.MAX_DEPTH) {
            for (int field : PAYLOADS) {
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
                requiredTime(msg.time(TIME), msg, env),
                msg.number(BEST_BID),
                msg.number(msg.has(BEST_BID_SIZE) ? BEST_BID_SIZE : BEST_BID_QUANTITY),
                msg.number(BEST_ASK),
                msg.number(msg.has(BEST_ASK_SIZE) ? BEST_ASK_SIZE : BEST_ASK_QUANTITY));
    }

    /** As {@code ExchangeCodec.trade}. */
    private static Trade trade(Fields msg, Envelope env) {
        return new Trade(
                productOf(msg, env),
                requiredTime(msg.time(TIME), msg, env),
                msg.number(PRICE),
                msg.number(SIZE),
                Sides.takerFromMaker(msg.text(SIDE)));
    }

    /** As {@link Envelope#productOf}. */
    private static String productOf(Fields msg, Envelope env) {
        String p = msg.text(PRODUCT_ID);
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
        for (int field : RECEIVE_TIMES) {
            long t = record.time(field);
            if (t != EventTime.UNKNOWN) {
                return t;
            }
        }
        return EventTime.UNKNOWN;
    }

    /** As {@link Envelope#productFieldOf}. */
    private static String productFieldOf(Fields record) {
        for (int field : PRODUCTS) {
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

        boolean has(int slot) {
            return values[slot] != null;
        }

        /** The value, or null if absent. */
        Object get(int slot) {
            return values[slot];
        }

        /** A string value's text, even empty; null if absent or not a string. */
        String textual(int slot) {
            return values[slot] instanceof String v ? v : null;
        }

        /** As {@link Values#text}. */
        String text(int slot) {
            return scalar(slot) instanceof String v && !v.isEmpty() ? v : null;
        }

        /** As {@link Values#number}. */
        double number(int slot) {
            return scalar(slot) instanceof String v ? Values.decimal(v) : Double.NaN;
        }

        /** As {@link Values#time}. */
        long time(int slot) {
            return scalar(slot) instanceof String v ? Values.time(v) : EventTime.UNKNOWN;
        }

        /** A string, or null if absent or JSON null; declines anything else. */
        private Object scalar(int slot) {
            Object v = values[slot];
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
    private final class Row extends FlatRow {
        private final Fields row;

        Row(Fields row) {
            this.row = row;
        }

        @Override
        boolean has(String column) {
            return row.has(slot(column));
        }

        @Override
        String text(String column) {
            return row.text(slot(column));
        }

        @Override
        double number(String column) {
            return row.number(slot(column));
        }

        @Override
        long time(String column) {
            return row.time(slot(column));
        }
    }
}

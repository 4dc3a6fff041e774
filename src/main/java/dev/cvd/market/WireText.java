package dev.cvd.market;

import com.fasterxml.jackson.core.io.NumberInput;

/**
 * Hand-written JSON text for the wire codecs' fixed layouts: the same characters a Jackson
 * generator with {@link WireJson}'s settings writes, and the same values its parser reads, without
 * a generator or parser per record (which cost more than the record's own work on the streaming
 * path). Stateless and thread-safe.
 */
public final class WireText {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private WireText() {}

    /** Appends a string as a JSON string literal, escaped as Jackson escapes it. */
    public static void appendString(StringBuilder out, String s) {
        out.append('"');
        int n = s.length();
        int plain = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(s, plain, i);
            plain = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        out.append(s, plain, n).append('"');
    }

    /** Powers of ten that a double holds exactly, up to the most fraction digits read fast. */
    private static final double[] EXACT_POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17
    };

    /** Decimals of up to this many digits are read by {@link #shortDecimal}. */
    private static final int SHORT_DIGITS = 18;

    /** The longest text of such a decimal: a sign, the digits and a point. */
    private static final int SHORT_TEXT = SHORT_DIGITS + 2;

    /** The largest integer up to which every integer is a double. */
    private static final long EXACT_INTEGERS = 1L << 53;

    /** Reads a decimal number, correctly rounded (as {@link Double#parseDouble}, faster). */
    public static double parseDouble(String s) {
        double v = shortDecimal(s);
        return v == v ? v : NumberInput.parseDouble(s, true);
    }

    /**
     * Reads a plain decimal {@code -?\d+(\.\d+)?} of at most 18 digits whose digits, as an integer
     * m, are at most 2^53, as {@code m / 10^f} for f fraction digits: m and 10^f are doubles
     * exactly, so the one correctly rounded division gives the double nearest to the decimal, as
     * {@link Double#parseDouble} does (Clinger's fast path). Prices and sizes are such decimals.
     * Returns NaN for anything else, which the caller leaves to a full parser.
     */
    static double shortDecimal(String s) {
        int n = s.length();
        if (n > SHORT_TEXT) {
            return Double.NaN;
        }
        int i = 0;
        boolean negative = n > 0 && s.charAt(0) == '-';
        if (negative) {
            i++;
        }
        int start = i;
        long m = 0;
        char c;
        while (i < n && (c = s.charAt(i)) >= '0' && c <= '9') {
            m = 10 * m + (c - '0');
            i++;
        }
        int whole = i - start;
        int fraction = 0;
        if (i < n && s.charAt(i) == '.') {
            int point = ++i;
            while (i < n && (c = s.charAt(i)) >= '0' && c <= '9') {
                m = 10 * m + (c - '0');
                i++;
            }
            fraction = i - point;
            if (fraction == 0) {
                return Double.NaN;
            }
        }
        return i == n ? exactly(negative, m, whole, fraction) : Double.NaN;
    }

    /** As {@link #shortDecimal(String)}, for {@code s[from, to)}. */
    static double shortDecimal(char[] s, int from, int to) {
        if (to - from > SHORT_TEXT) {
            return Double.NaN;
        }
        int i = from;
        boolean negative = i < to && s[i] == '-';
        if (negative) {
            i++;
        }
        int start = i;
        long m = 0;
        char c;
        while (i < to && (c = s[i]) >= '0' && c <= '9') {
            m = 10 * m + (c - '0');
            i++;
        }
        int whole = i - start;
        int fraction = 0;
        if (i < to && s[i] == '.') {
            int point = ++i;
            while (i < to && (c = s[i]) >= '0' && c <= '9') {
                m = 10 * m + (c - '0');
                i++;
            }
            fraction = i - point;
            if (fraction == 0) {
                return Double.NaN;
            }
        }
        return i == to ? exactly(negative, m, whole, fraction) : Double.NaN;
    }

    /**
     * {@code ±m / 10^fraction} when that is one correctly rounded division (m was read from {@code
     * whole + fraction} digits, so it did not overflow when there are at most 18); else NaN.
     */
    private static double exactly(boolean negative, long m, int whole, int fraction) {
        if (whole == 0 || whole + fraction > SHORT_DIGITS || m > EXACT_INTEGERS) {
            return Double.NaN;
        }
        double v = fraction == 0 ? (double) m : (double) m / EXACT_POW10[fraction];
        return negative ? -v : v;
    }

    /**
     * The end of the JSON number that starts at {@code from} ({@code -?(0|[1-9]\d*)(\.\d+)?
     * ([eE][+-]?\d+)?}), or -1 if none starts there.
     */
    private static int numberEnd(char[] s, int from, int limit) {
        int i = from;
        if (i < limit && s[i] == '-') {
            i++;
        }
        if (i >= limit || !digit(s[i])) {
            return -1;
        }
        if (s[i++] != '0') {
            while (i < limit && digit(s[i])) {
                i++;
            }
        }
        if (i < limit && s[i] == '.') {
            int start = ++i;
            while (i < limit && digit(s[i])) {
                i++;
            }
            if (i == start) {
                return -1;
            }
        }
        if (i < limit && (s[i] == 'e' || s[i] == 'E')) {
            i++;
            if (i < limit && (s[i] == '+' || s[i] == '-')) {
                i++;
            }
            int start = i;
            while (i < limit && digit(s[i])) {
                i++;
            }
            if (i == start) {
                return -1;
            }
        }
        return i;
    }

    /** Reads the JSON number {@code s[from, to)} (correctly rounded, as Jackson's fast parser). */
    private static double parseDouble(char[] s, int from, int to) {
        double v = shortDecimal(s, from, to);
        return v == v ? v : NumberInput.parseDouble(s, from, to - from, true);
    }

    /**
     * Reads the non-negative or negative integer {@code s[from, to)} of at most 18 digits, or
     * returns {@link Long#MIN_VALUE} if it is not one.
     */
    private static long parseLong(char[] s, int from, int to) {
        int i = from;
        boolean negative = i < to && s[i] == '-';
        if (negative) {
            i++;
        }
        if (i >= to || to - i > 18) {
            return Long.MIN_VALUE;
        }
        long v = 0;
        for (; i < to; i++) {
            if (!digit(s[i])) {
                return Long.MIN_VALUE;
            }
            v = v * 10 + (s[i] - '0');
        }
        return negative ? -v : v;
    }

    /** Whether the JSON number {@code s[from, to)} has neither a fraction nor an exponent. */
    private static boolean isInteger(char[] s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s[i];
            if (c == '.' || c == 'e' || c == 'E') {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s}, up to {@code limit}, holds {@code literal} at {@code at}. */
    private static boolean matches(char[] s, int at, int limit, char[] literal) {
        if (at + literal.length > limit) {
            return false;
        }
        for (int k = 0; k < literal.length; k++) {
            if (s[at + k] != literal[k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The index of the quote that closes a string whose text starts at {@code from}, or -1 if the
     * string has an escape or a control character before it (which the caller leaves to a full
     * parser) or does not close before {@code limit}.
     */
    private static int plainStringEnd(char[] s, int from, int limit) {
        for (int i = from; i < limit; i++) {
            char c = s[i];
            if (c == '"') {
                return i;
            }
            if (c == '\\' || c < 0x20) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * Reads a record laid out exactly as a codec writes it, left to right. Any surprise (another
     * layout, whitespace, an escape, an integer where a double is written, a value out of place)
     * turns {@link #ok} false for good; the codec then hands the text to its general decoder, which
     * reads it or rejects it with a reason. One per record; not thread-safe.
     */
    public static final class Cursor {
        /** Each thread's copy of the record being read; grown when a record is longer. */
        private static final ThreadLocal<char[]> SCRATCH =
                ThreadLocal.withInitial(() -> new char[2048]);

        /** Texts read recently, shared by all threads, each in the slot of its hash. */
        private static final String[] RECENT = new String[256];

        /** Longer texts are not kept in {@link #RECENT}. */
        private static final int RECENT_MAX_LENGTH = 32;

        private final char[] s;
        private final int n;
        private int i;
        private boolean ok = true;

        /**
         * A cursor at the start of {@code text}, read from a copy in this thread's scratch buffer
         * (so reading a record allocates only what it returns): use it on this thread, before the
         * next cursor of the thread.
         */
        public Cursor(String text) {
            n = text.length();
            char[] buffer = SCRATCH.get();
            if (buffer.length < n) {
                buffer = new char[Math.max(n, 2 * buffer.length)];
                SCRATCH.set(buffer);
            }
            text.getChars(0, n, buffer, 0);
            s = buffer;
        }

        /** Whether everything so far was as expected. */
        public boolean ok() {
            return ok;
        }

        /** Whether the whole text was read, and as expected. */
        public boolean done() {
            return ok && i == n;
        }

        /** Steps over {@code literal}, or fails. */
        public Cursor expect(char[] literal) {
            if (ok && matches(s, i, n, literal)) {
                i += literal.length;
            } else {
                ok = false;
            }
            return this;
        }

        /** Steps over {@code literal} if it comes next; says whether it did. */
        public boolean skip(char[] literal) {
            if (ok && matches(s, i, n, literal)) {
                i += literal.length;
                return true;
            }
            return false;
        }

        /** A string without escapes; null (and a failure) for anything else. */
        public String string() {
            int close = stringEnd();
            if (close < 0) {
                return null;
            }
            String v = recent(s, i + 1, close);
            i = close + 1;
            return v;
        }

        /** Steps over a string without escapes, as {@link #string()} reads it, unread. */
        public Cursor skipString() {
            int close = stringEnd();
            if (close >= 0) {
                i = close + 1;
            }
            return this;
        }

        /** The closing quote of the string here; -1 (and a failure) if there is none. */
        private int stringEnd() {
            int close = ok && i < n && s[i] == '"' ? plainStringEnd(s, i + 1, n) : -1;
            if (close < 0) {
                ok = false;
            }
            return close;
        }

        /**
         * The text {@code s[from, to)}: the same String as the last time this text was read, if it
         * is still in the small table of recent texts, so that a product's id, read from every
         * record, is neither made again nor hashed again where it is looked up. Meant for the few
         * texts read again and again; a text read once (a time) is better skipped.
         */
        private static String recent(char[] s, int from, int to) {
            int length = to - from;
            if (length > RECENT_MAX_LENGTH) {
                return new String(s, from, length);
            }
            int h = length;
            for (int k = from; k < to; k++) {
                h = 31 * h + s[k];
            }
            int slot = (h ^ h >>> 7) & (RECENT.length - 1);
            String known = RECENT[slot];
            if (known != null && known.length() == length) {
                int k = 0;
                while (k < length && known.charAt(k) == s[from + k]) {
                    k++;
                }
                if (k == length) {
                    return known;
                }
            }
            String text = new String(s, from, length);
            // Strings are immutable: a thread that sees the reference sees the whole String.
            RECENT[slot] = text;
            return text;
        }

        /** A number with a fraction or an exponent, or {@code null} as NaN. */
        public double doubleOrNull() {
            if (skip(NULL)) {
                return Double.NaN;
            }
            int end = ok ? numberEnd(s, i, n) : -1;
            // Integers (which the encoders never write for a double) are left to the general
            // decoder: Jackson reads "-0" as 0.0, a double parser as -0.0.
            if (end < 0 || isInteger(s, i, end)) {
                ok = false;
                return Double.NaN;
            }
            double v = parseDouble(s, i, end);
            i = end;
            return v;
        }

        /** An integer of at most 18 digits, or {@code null} as {@code whenNull}. */
        public long longOrNull(long whenNull) {
            if (skip(NULL)) {
                return whenNull;
            }
            int end = ok ? numberEnd(s, i, n) : -1;
            long v = end < 0 ? Long.MIN_VALUE : parseLong(s, i, end);
            if (v == Long.MIN_VALUE) {
                ok = false;
                return whenNull;
            }
            i = end;
            return v;
        }
    }

    private static final char[] NULL = "null".toCharArray();

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }
}

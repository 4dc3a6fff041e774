package dev.cvd.market;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reusable buffer of JSON text as UTF-8 bytes, for the wire codecs' fixed layouts: the bytes a
 * Kafka record carries, written without a {@link String} in between (building the text as chars,
 * copying it into a String and encoding that again cost a third of a feature row's encoding).
 * Strings are escaped as {@link WireText#appendString} escapes them (as Jackson does), doubles
 * written as their shortest decimal ({@link ShortestDouble}, the texts of recent ones kept in a
 * {@link RecentDoubles} of about 17 KB). Not thread-safe: one per thread, kept for many texts.
 */
public final class JsonBytes {

    private byte[] buf;
    private int length;
    private final RecentDoubles recent = new RecentDoubles();

    /** A buffer for texts of about {@code capacity} bytes; it grows as needed. */
    public JsonBytes(int capacity) {
        buf = new byte[Math.max(capacity, ShortestDouble.MAX_LENGTH)];
    }

    /** Empties the buffer for the next text. */
    public JsonBytes clear() {
        length = 0;
        return this;
    }

    /** A fixed piece of a layout (a field name with its punctuation) as bytes for {@link #raw}. */
    public static byte[] utf8(String piece) {
        return piece.getBytes(StandardCharsets.UTF_8);
    }

    /** Appends bytes as they are (a fixed piece of the layout, already UTF-8). */
    public JsonBytes raw(byte[] bytes) {
        room(bytes.length);
        System.arraycopy(bytes, 0, buf, length, bytes.length);
        length += bytes.length;
        return this;
    }

    /** Appends a string as a JSON string literal. */
    public JsonBytes string(String s) {
        int n = s.length();
        room(n + 2);
        byte[] b = buf;
        int at = length;
        b[at++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
                return escaped(s); // rare: product ids are ASCII
            }
            b[at++] = (byte) c;
        }
        b[at++] = '"';
        length = at;
        return this;
    }

    /** A string with escapes or non-ASCII characters, written as {@link WireText} writes it. */
    private JsonBytes escaped(String s) {
        StringBuilder text = new StringBuilder(s.length() + 8);
        WireText.appendString(text, s);
        return raw(utf8(text.toString()));
    }

    /** Appends an integer. */
    public JsonBytes number(long v) {
        if (v == Long.MIN_VALUE) {
            return ascii(Long.toString(v));
        }
        room(20);
        if (v < 0) {
            buf[length++] = '-';
            v = -v;
        }
        int n = 1;
        for (long p = 10; n < 19 && v >= p; p *= 10) {
            n++;
        }
        int at = length + n;
        length = at;
        do {
            long q = v / 10;
            buf[--at] = (byte) ('0' + (v - q * 10));
            v = q;
        } while (v != 0);
        return this;
    }

    /**
     * Appends a finite double as its shortest decimal that reads back to the same bits; the text of
     * a double written recently through this buffer is copied, not computed again.
     */
    public JsonBytes number(double v) {
        room(ShortestDouble.MAX_LENGTH);
        length = recent.write(buf, length, v);
        return this;
    }

    /** Appends ASCII text as it is (a number's or a timestamp's text). */
    public JsonBytes ascii(String s) {
        int n = s.length();
        room(n);
        for (int i = 0; i < n; i++) {
            buf[length + i] = (byte) s.charAt(i);
        }
        length += n;
        return this;
    }

    /** The text's length in bytes. */
    public int length() {
        return length;
    }

    /** A copy of the text. */
    public byte[] toBytes() {
        return Arrays.copyOf(buf, length);
    }

    /** The text as a string. */
    @Override
    public String toString() {
        return new String(buf, 0, length, StandardCharsets.UTF_8);
    }

    private void room(int more) {
        if (length + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + more));
        }
    }
}

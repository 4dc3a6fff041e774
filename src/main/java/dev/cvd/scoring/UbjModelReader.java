package dev.cvd.scoring;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an XGBoost UBJ (Universal Binary JSON, big-endian) model into the same document tree as
 * {@link JsonModelReader}. Supports every UBJSON draft-12 marker (null, no-op, booleans, int8,
 * uint8, int16, int32, int64, float32, float64, high-precision number, char, string, array, object)
 * and the optimized container headers with a type and a count, or a count alone. Typed numeric
 * arrays become {@link NumArray}s without boxing. Declared counts are checked against the bytes
 * left before anything is allocated, so a damaged file cannot ask for a huge array.
 *
 * <p>One instance reads one buffer; not thread-safe (use {@link #read(byte[])}).
 */
final class UbjModelReader {

    /** Deepest container nesting accepted; an XGBoost model nests about 8 levels. */
    static final int MAX_DEPTH = 64;

    private final byte[] bytes;
    private int pos;

    private UbjModelReader(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * @param bytes the whole file
     * @return the root object
     * @throws InvalidModelException if the data is truncated or malformed, with the byte offset
     */
    static Map<String, Object> read(byte[] bytes) throws InvalidModelException {
        if (bytes.length == 0) {
            throw new InvalidModelException("empty file");
        }
        UbjModelReader reader = new UbjModelReader(bytes);
        byte marker = reader.marker();
        if (marker != '{') {
            throw new InvalidModelException(
                    "malformed UBJ at byte 0: expected an object, found marker "
                            + describe(marker));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) reader.value(marker, 1);
        return root;
    }

    private Object value(byte marker, int depth) throws InvalidModelException {
        return switch (marker) {
            case 'Z' -> null;
            case 'T' -> Boolean.TRUE;
            case 'F' -> Boolean.FALSE;
            case 'i', 'U', 'I', 'l', 'L' -> integer(marker);
            case 'd' -> (double) Float.intBitsToFloat(int32());
            case 'D' -> Double.longBitsToDouble(int64());
            case 'H' -> Double.parseDouble(string(length()));
            case 'C' -> String.valueOf((char) (u8() & 0x7f));
            case 'S' -> string(length());
            case '[' -> array(depth + 1);
            case '{' -> object(depth + 1);
            default -> throw malformed(pos - 1, "unknown marker " + describe(marker));
        };
    }

    private Map<String, Object> object(int depth) throws InvalidModelException {
        checkDepth(depth);
        Map<String, Object> object = new LinkedHashMap<>();
        byte type = 0;
        long count = -1;
        if (peek() == '$') {
            pos++;
            type = (byte) u8();
            expect('#');
            count = length();
        } else if (peek() == '#') {
            pos++;
            count = length();
        }
        if (count > remaining()) {
            throw truncated(count + " elements declared");
        }
        for (long i = 0; count < 0 || i < count; i++) {
            if (count < 0) {
                skipNoOps();
                if (peek() == '}') {
                    pos++;
                    break;
                }
            }
            String key = string(length());
            byte marker = type != 0 ? type : marker();
            object.put(key, value(marker, depth));
        }
        return object;
    }

    private Object array(int depth) throws InvalidModelException {
        checkDepth(depth);
        byte type = 0;
        long count = -1;
        if (peek() == '$') {
            pos++;
            type = (byte) u8();
            expect('#');
            count = length();
        } else if (peek() == '#') {
            pos++;
            count = length();
        }
        if (count > remaining()) {
            throw truncated(count + " elements declared");
        }
        if (type != 0) {
            NumArray numbers = typedNumbers(type, count);
            if (numbers != null) {
                return numbers;
            }
        }
        List<Object> values = new ArrayList<>();
        for (long i = 0; count < 0 || i < count; i++) {
            byte marker;
            if (type != 0) {
                marker = type;
            } else {
                if (count < 0) {
                    skipNoOps();
                    if (peek() == ']') {
                        pos++;
                        break;
                    }
                }
                marker = marker();
            }
            values.add(value(marker, depth));
        }
        return numeric(values);
    }

    /** A typed array of fixed-size numbers, read in one pass; null for other element types. */
    private NumArray typedNumbers(byte type, long count) throws InvalidModelException {
        int width =
                switch (type) {
                    case 'i', 'U' -> 1;
                    case 'I' -> 2;
                    case 'l', 'd' -> 4;
                    case 'L', 'D' -> 8;
                    default -> 0;
                };
        if (width == 0) {
            return null;
        }
        if (count * width > remaining()) {
            throw truncated(count + " elements of type " + describe(type) + " declared");
        }
        int n = (int) count;
        if (type == 'd') {
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = Float.intBitsToFloat(int32());
            }
            return NumArray.ofFloats(out);
        }
        if (type == 'D') {
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                out[i] = Double.longBitsToDouble(int64());
            }
            return NumArray.ofDoubles(out);
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = integer(type);
        }
        return NumArray.ofLongs(out);
    }

    /** Untyped arrays of numbers become a NumArray too, so both formats look alike. */
    private static Object numeric(List<Object> values) {
        boolean allLongs = true;
        for (Object v : values) {
            if (!(v instanceof Number)) {
                return values;
            }
            allLongs &= v instanceof Long;
        }
        if (allLongs) {
            long[] out = new long[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (Long) values.get(i);
            }
            return NumArray.ofLongs(out);
        }
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).doubleValue();
        }
        return NumArray.ofDoubles(out);
    }

    private long integer(byte marker) throws InvalidModelException {
        return switch (marker) {
            case 'i' -> (byte) u8();
            case 'U' -> u8();
            case 'I' -> (short) ((u8() << 8) | u8());
            case 'l' -> int32();
            case 'L' -> int64();
            default ->
                    throw malformed(
                            pos - 1, "expected an integer marker, found " + describe(marker));
        };
    }

    /** A length or count: an integer with its own marker, never negative. */
    private long length() throws InvalidModelException {
        int at = pos;
        long n = integer(marker());
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw malformed(at, "invalid length " + n);
        }
        return n;
    }

    private String string(long length) throws InvalidModelException {
        if (length > remaining()) {
            throw truncated("string of " + length + " bytes declared");
        }
        String s = new String(bytes, pos, (int) length, StandardCharsets.UTF_8);
        pos += (int) length;
        return s;
    }

    private int int32() throws InvalidModelException {
        need(4);
        int v =
                ((bytes[pos] & 0xff) << 24)
                        | ((bytes[pos + 1] & 0xff) << 16)
                        | ((bytes[pos + 2] & 0xff) << 8)
                        | (bytes[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    private long int64() throws InvalidModelException {
        need(8);
        long hi = int32() & 0xffffffffL;
        long lo = int32() & 0xffffffffL;
        return (hi << 32) | lo;
    }

    private int u8() throws InvalidModelException {
        need(1);
        return bytes[pos++] & 0xff;
    }

    private byte marker() throws InvalidModelException {
        skipNoOps();
        need(1);
        return bytes[pos++];
    }

    private void skipNoOps() {
        while (pos < bytes.length && bytes[pos] == 'N') {
            pos++;
        }
    }

    private byte peek() throws InvalidModelException {
        need(1);
        return bytes[pos];
    }

    private void expect(char c) throws InvalidModelException {
        byte b = peek();
        if (b != c) {
            throw malformed(pos, "expected '" + c + "', found " + describe(b));
        }
        pos++;
    }

    private void need(int n) throws InvalidModelException {
        if (n > remaining()) {
            throw truncated(null);
        }
    }

    private long remaining() {
        return bytes.length - pos;
    }

    private void checkDepth(int depth) throws InvalidModelException {
        if (depth > MAX_DEPTH) {
            throw malformed(pos, "containers nested deeper than " + MAX_DEPTH);
        }
    }

    private InvalidModelException truncated(String detail) {
        return new InvalidModelException(
                "truncated at byte "
                        + bytes.length
                        + (detail == null ? "" : " (at byte " + pos + ": " + detail + ")"));
    }

    private static InvalidModelException malformed(int at, String what) {
        return new InvalidModelException("malformed UBJ at byte " + at + ": " + what);
    }

    private static String describe(byte marker) {
        return marker >= 0x20 && marker < 0x7f
                ? "'" + (char) marker + "'"
                : String.format("0x%02x", marker & 0xff);
    }
}

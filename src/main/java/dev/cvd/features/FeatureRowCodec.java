package dev.cvd.features;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.cvd.market.EventTime;
import dev.cvd.market.JsonBytes;
import dev.cvd.market.WireFormatException;
import dev.cvd.market.WireJson;
import dev.cvd.market.WireText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The JSON wire format of feature rows on {@code ticks.features}, schema version 1:
 *
 * <pre>
 * {"v":1,"contract":1,"product_id":"BTC-USD","time_us":1764607486123456,
 *  "time":"2025-12-01T16:44:46.123456Z","features":{"ret_1s":0.0,"ret_5s":null,...}}
 * </pre>
 *
 * <p>{@code features} holds the 28 contract v1 values by name in contract order; a missing value
 * (NaN) is {@code null}. {@code time} repeats {@code time_us} for people. Doubles round-trip
 * bit-identically. Stateless and thread-safe.
 *
 * <p>The features stage also gives each record a {@value #MID_HEADER} header: the quote's mid price
 * as decimal text (the shortest that round-trips exactly). It is not a feature and not part of the
 * row: the live prediction stream shows it next to the probability.
 */
public final class FeatureRowCodec {

    /** The schema version this codec writes and reads. */
    public static final int VERSION = 1;

    /** Kafka header of a {@code ticks.features} record: the mid price of the row's quote. */
    public static final String MID_HEADER = "cvd-mid";

    private static final JsonFactory JSON = WireJson.FACTORY;

    private static final String HEAD_TEXT =
            "{\"v\":" + VERSION + ",\"contract\":" + FeatureContract.VERSION + ",\"product_id\":";
    private static final char[] HEAD = HEAD_TEXT.toCharArray();
    private static final char[] TIME_US = ",\"time_us\":".toCharArray();
    private static final char[] TIME = ",\"time\":".toCharArray();
    private static final char[] FEATURES = ",\"features\":{".toCharArray();
    private static final char[] END = "}}".toCharArray();
    private static final byte[] HEAD_BYTES = JsonBytes.utf8(HEAD_TEXT);
    private static final byte[] TIME_US_BYTES = JsonBytes.utf8(String.valueOf(TIME_US));
    private static final byte[] TIME_BYTES = JsonBytes.utf8(String.valueOf(TIME));
    private static final byte[] FEATURES_BYTES = JsonBytes.utf8(String.valueOf(FEATURES));
    private static final byte[] END_BYTES = JsonBytes.utf8(String.valueOf(END));
    private static final byte[] NULL_BYTES = JsonBytes.utf8("null");

    /** Each feature's {@code "name":}, after a comma but for the first. */
    private static final char[][] FIELD_CHARS = new char[FeatureContract.SIZE][];

    private static final byte[][] FIELD_BYTES = new byte[FeatureContract.SIZE][];

    static {
        for (int i = 0; i < FeatureContract.SIZE; i++) {
            StringBuilder field = new StringBuilder(i == 0 ? "" : ",");
            WireText.appendString(field, FeatureContract.NAMES.get(i));
            FIELD_CHARS[i] = field.append(':').toString().toCharArray();
            FIELD_BYTES[i] = JsonBytes.utf8(String.valueOf(FIELD_CHARS[i]));
        }
    }

    private FeatureRowCodec() {}

    /** About the length of a row, to size a buffer for {@link #write}. */
    public static final int ROW_BYTES = 1280;

    /** Each thread's buffer for {@link #encode}: a row of 28 numbers is about 1,100 bytes. */
    private static final ThreadLocal<JsonBytes> BUFFER =
            ThreadLocal.withInitial(() -> new JsonBytes(ROW_BYTES));

    /**
     * Encodes a row given as the engine emits it (the values array is only read). Written by hand:
     * the same text a Jackson generator writes (a test holds the two equal), at a fraction of the
     * cost.
     */
    public static String encode(String productId, long timeMicros, double[] values) {
        return write(BUFFER.get().clear(), productId, timeMicros, values).toString();
    }

    /**
     * Writes a row's record value, the UTF-8 bytes of {@link #encode}'s text, into a cleared
     * buffer; the streaming stage keeps one buffer and sends {@link JsonBytes#toBytes()}.
     */
    public static JsonBytes write(
            JsonBytes out, String productId, long timeMicros, double[] values) {
        out.raw(HEAD_BYTES).string(productId);
        out.raw(TIME_US_BYTES).number(timeMicros);
        out.raw(TIME_BYTES).string(EventTime.format(timeMicros));
        out.raw(FEATURES_BYTES);
        for (int i = 0; i < FeatureContract.SIZE; i++) {
            double v = values[i];
            out.raw(FIELD_BYTES[i]);
            if (Double.isFinite(v)) {
                out.number(v);
            } else {
                out.raw(NULL_BYTES);
            }
        }
        return out.raw(END_BYTES);
    }

    /** Encodes a row. */
    public static String encode(FeatureRow row) {
        return encode(row.productId(), row.timeMicros(), row.values());
    }

    /**
     * Decodes one record value. Features absent from the object are NaN.
     *
     * @throws WireFormatException with reason {@code malformed_json}, {@code unsupported_version},
     *     {@code missing_product}, {@code unknown_feature} or {@code bad_field}
     */
    public static FeatureRow decode(String text) {
        if (text != null) {
            FeatureRow row = decodeCanonical(text);
            if (row != null) {
                return row;
            }
        }
        return decodeAnyLayout(text);
    }

    /**
     * Reads a record laid out exactly as {@link #encode} writes it, or returns null for anything
     * else (other field order, whitespace, escapes, an invalid value), which {@link
     * #decodeAnyLayout} then reads or rejects with its reason. Every value accepted here is one
     * that the general path reads to the same row.
     */
    private static FeatureRow decodeCanonical(String text) {
        WireText.Cursor c = new WireText.Cursor(text);
        String product = c.expect(HEAD).string();
        long time = c.expect(TIME_US).longOrNull(EventTime.UNKNOWN);
        c.expect(TIME).skipString();
        c.expect(FEATURES);
        double[] values = new double[FeatureContract.SIZE];
        for (int f = 0; f < FeatureContract.SIZE; f++) {
            values[f] = c.expect(FIELD_CHARS[f]).doubleOrNull();
        }
        c.expect(END);
        if (!c.done() || product.isEmpty() || time == EventTime.UNKNOWN) {
            return null;
        }
        return new FeatureRow(product, time, values);
    }

    /** Reads a record in any JSON layout, with the full checks. */
    static FeatureRow decodeAnyLayout(String text) {
        int version = -1;
        int contract = -1;
        String product = null;
        long time = EventTime.UNKNOWN;
        double[] values = new double[FeatureContract.SIZE];
        Arrays.fill(values, Double.NaN);
        try (JsonParser p = JSON.createParser(text == null ? "" : text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new WireFormatException("malformed_json", "not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "v" -> version = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -2;
                    case "contract" ->
                            contract = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -2;
                    case "product_id" -> product = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "time_us" -> {
                        if (v != JsonToken.VALUE_NUMBER_INT) {
                            throw new WireFormatException("bad_field", "time_us is not an integer");
                        }
                        time = p.getLongValue();
                    }
                    case "features" -> readFeatures(p, v, values);
                    default -> p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw new WireFormatException("malformed_json", e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a String does not fail
        }
        if (version != VERSION) {
            throw new WireFormatException(
                    "unsupported_version", "schema version " + (version < 0 ? "missing" : version));
        }
        if (contract != FeatureContract.VERSION) {
            throw new WireFormatException("unsupported_version", "feature contract " + contract);
        }
        if (product == null || product.isEmpty()) {
            throw new WireFormatException("missing_product", "no product_id");
        }
        if (time == EventTime.UNKNOWN) {
            throw new WireFormatException("bad_field", "no time_us");
        }
        return new FeatureRow(product, time, values);
    }

    private static void readFeatures(JsonParser p, JsonToken start, double[] values)
            throws IOException {
        if (start != JsonToken.START_OBJECT) {
            throw new WireFormatException("bad_field", "features is not an object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            int i = FeatureContract.indexOrMinusOne(name);
            if (i < 0) {
                throw new WireFormatException("unknown_feature", name);
            }
            if (v == JsonToken.VALUE_NULL) {
                values[i] = Double.NaN;
            } else if (v == JsonToken.VALUE_NUMBER_FLOAT || v == JsonToken.VALUE_NUMBER_INT) {
                values[i] = p.getDoubleValue();
            } else {
                throw new WireFormatException("bad_field", name + " is not a number");
            }
        }
    }
}

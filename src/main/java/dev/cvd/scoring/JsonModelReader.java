package dev.cvd.scoring;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an XGBoost JSON model into a small document tree: {@code Map<String, Object>} for objects,
 * {@link NumArray} for arrays whose elements are all numbers, {@code List<Object>} for other
 * arrays, and {@code String}, {@code Long}, {@code Double}, {@code Boolean} or {@code null} for
 * scalars.
 *
 * <p>Stateless and thread-safe; allocates the tree it returns.
 */
final class JsonModelReader {

    private static final JsonFactory FACTORY =
            JsonFactory.builder()
                    .streamReadConstraints(
                            StreamReadConstraints.builder()
                                    .maxNestingDepth(UbjModelReader.MAX_DEPTH)
                                    .build())
                    .build();

    private JsonModelReader() {}

    /**
     * @param bytes the whole file, UTF-8
     * @return the root object
     * @throws InvalidModelException if the text is truncated or not JSON, with the byte offset
     */
    static Map<String, Object> read(byte[] bytes) throws InvalidModelException {
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new InvalidModelException("empty file");
            }
            if (first != JsonToken.START_OBJECT) {
                throw new InvalidModelException(
                        "malformed JSON at byte "
                                + parser.currentTokenLocation().getByteOffset()
                                + ": expected an object, found "
                                + first.asString());
            }
            return readObject(parser);
        } catch (JsonEOFException e) {
            throw new InvalidModelException(
                    "truncated at byte " + bytes.length + " (" + e.getOriginalMessage() + ")", e);
        } catch (JsonParseException e) {
            throw new InvalidModelException(
                    "malformed JSON at byte "
                            + e.getLocation().getByteOffset()
                            + ": "
                            + e.getOriginalMessage(),
                    e);
        } catch (IOException e) {
            throw new InvalidModelException("unreadable JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> readObject(JsonParser parser) throws IOException {
        Map<String, Object> object = new LinkedHashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            parser.nextToken();
            object.put(key, readValue(parser));
        }
        if (token == null) {
            throw new JsonEOFException(parser, null, "end of input inside an object");
        }
        return object;
    }

    private static Object readValue(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == null) {
            throw new JsonEOFException(parser, null, "end of input where a value was expected");
        }
        return switch (token) {
            case START_OBJECT -> readObject(parser);
            case START_ARRAY -> readArray(parser);
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT ->
                    parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                            ? parser.getDoubleValue()
                            : parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> Double.parseDouble(parser.getText());
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new JsonParseException(parser, "unexpected token " + token.asString());
        };
    }

    /** Numbers accumulate as longs until the first real, then as floats parsed from the text. */
    private static Object readArray(JsonParser parser) throws IOException {
        long[] longs = new long[16];
        float[] floats = null;
        int n = 0;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.VALUE_NUMBER_INT
                || token == JsonToken.VALUE_NUMBER_FLOAT) {
            if (floats == null
                    && token == JsonToken.VALUE_NUMBER_INT
                    && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                if (n == longs.length) {
                    longs = Arrays.copyOf(longs, n * 2);
                }
                longs[n++] = parser.getLongValue();
                continue;
            }
            if (floats == null) {
                floats = new float[Math.max(16, longs.length)];
                for (int i = 0; i < n; i++) {
                    floats[i] = longs[i];
                }
                longs = null;
            }
            if (n == floats.length) {
                floats = Arrays.copyOf(floats, n * 2);
            }
            floats[n++] = Float.parseFloat(parser.getText());
        }
        if (token == JsonToken.END_ARRAY) {
            return floats == null
                    ? NumArray.ofLongs(Arrays.copyOf(longs, n))
                    : NumArray.ofFloats(Arrays.copyOf(floats, n));
        }
        if (token == null) {
            throw new JsonEOFException(parser, null, "end of input inside an array");
        }
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(floats == null ? (Object) longs[i] : (Object) (double) floats[i]);
        }
        do {
            list.add(readValue(parser));
        } while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null);
        if (token == null) {
            throw new JsonEOFException(parser, null, "end of input inside an array");
        }
        return list;
    }
}

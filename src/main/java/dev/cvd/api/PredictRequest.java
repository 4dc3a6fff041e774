package dev.cvd.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.cvd.features.FeatureContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A parsed {@code POST /predict} body: {@code {"features": {...}}} (one row) or {@code {"rows":
 * [{...}, ...]}} (a batch), each row an object of feature contract v1 names to numbers or null. A
 * missing or null feature is NaN (missing); anything else is refused with an {@link ApiException}
 * that names the problem and where it is.
 *
 * <p>Parsed with a streaming parser straight into contract-order arrays, so that errors can name
 * the row and the feature and a batch over the limit is refused without building its rows.
 *
 * @param batch whether the body was a batch ({@code rows})
 * @param rows the rows, {@link FeatureContract#SIZE} values each in contract order
 */
record PredictRequest(boolean batch, double[][] rows) {

    private static final JsonFactory JSON =
            JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    static final String SHAPE = "expected {\"features\": {...}} or {\"rows\": [{...}, ...]}";

    /**
     * @param body the request body as text
     * @param maxBatch most rows a batch may have
     * @throws ApiException 400 for a body that is not a valid request, 413 for a batch over {@code
     *     maxBatch}
     */
    static PredictRequest parse(String body, int maxBatch) {
        if (body == null || body.isBlank()) {
            throw new ApiException(400, "request body is empty: " + SHAPE);
        }
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw new ApiException(
                        400, "request body must be a JSON object, not " + kind(t) + ": " + SHAPE);
            }
            double[][] single = null;
            List<double[]> rows = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "features" -> {
                        if (rows != null) {
                            throw both();
                        }
                        single = new double[][] {row(p, v, "features")};
                    }
                    case "rows" -> {
                        if (single != null) {
                            throw both();
                        }
                        rows = rows(p, v, maxBatch);
                    }
                    default ->
                            throw new ApiException(
                                    400,
                                    "unknown field '"
                                            + field
                                            + "' in the request body: "
                                            + SHAPE
                                            + " (feature values go inside \"features\")");
                }
            }
            if (p.nextToken() != null) {
                throw new ApiException(
                        400, "request body has content after its JSON object" + at(p));
            }
            if (single != null) {
                return new PredictRequest(false, single);
            }
            if (rows != null) {
                return new PredictRequest(true, rows.toArray(new double[0][]));
            }
            throw new ApiException(400, "request body has neither features nor rows: " + SHAPE);
        } catch (JsonProcessingException e) {
            throw new ApiException(
                    400,
                    "request body is not valid JSON: "
                            + e.getOriginalMessage()
                            + at(e.getLocation()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a String does not fail
        }
    }

    private static ApiException both() {
        return new ApiException(
                400, "request body has both features and rows: give one of them, " + SHAPE);
    }

    private static List<double[]> rows(JsonParser p, JsonToken start, int maxBatch)
            throws IOException {
        if (start != JsonToken.START_ARRAY) {
            throw new ApiException(
                    400, "rows must be an array of feature objects, not " + kind(start));
        }
        List<double[]> rows = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (rows.size() == maxBatch) {
                int n = rows.size() + 1;
                p.skipChildren();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    p.skipChildren();
                    n++;
                }
                throw new ApiException(
                        413,
                        "batch of "
                                + n
                                + " rows is over the limit of "
                                + maxBatch
                                + " rows per request (cvd.scoring.max-batch): split it");
            }
            rows.add(row(p, t, "rows[" + rows.size() + "]"));
        }
        if (rows.isEmpty()) {
            throw new ApiException(400, "rows is empty: give at least one row");
        }
        return rows;
    }

    private static double[] row(JsonParser p, JsonToken start, String where) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            throw new ApiException(
                    400,
                    where
                            + " must be an object of feature names to numbers or null, not "
                            + kind(start));
        }
        double[] row = new double[FeatureContract.SIZE];
        Arrays.fill(row, Double.NaN);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            int i = FeatureNames.indexOf(name);
            if (i < 0) {
                String guess = FeatureNames.suggestion(name);
                throw new ApiException(
                        400,
                        "unknown feature '"
                                + name
                                + "' in "
                                + where
                                + (guess == null ? "" : " (did you mean '" + guess + "'?)")
                                + "; feature contract v"
                                + FeatureContract.VERSION
                                + " names are "
                                + FeatureNames.COMPACT
                                + " (GET /version lists them)");
            }
            if (v == JsonToken.VALUE_NULL) {
                continue;
            }
            if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
                p.skipChildren();
                throw new ApiException(
                        400,
                        "feature '"
                                + name
                                + "' in "
                                + where
                                + " must be a number or null, not "
                                + kind(v));
            }
            double d = p.getDoubleValue();
            if (!Double.isFinite(d)) {
                throw new ApiException(
                        400,
                        "feature '"
                                + name
                                + "' in "
                                + where
                                + " is out of the range of a double: "
                                + p.getText());
            }
            row[i] = d;
        }
        return row;
    }

    private static String kind(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            default -> t.asString() == null ? t.name().toLowerCase() : t.asString();
        };
    }

    private static String at(JsonParser p) {
        return at(p.currentLocation());
    }

    private static String at(JsonLocation l) {
        return l == null || l.getLineNr() < 1
                ? ""
                : " (line " + l.getLineNr() + ", column " + l.getColumnNr() + ")";
    }
}

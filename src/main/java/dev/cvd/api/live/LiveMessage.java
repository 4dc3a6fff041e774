package dev.cvd.api.live;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.cvd.features.FeatureRow;
import dev.cvd.scoring.stage.Prediction;
import dev.cvd.scoring.stage.ScoredRow;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The JSON text of one message of {@code /ws/predictions}, schema version 1:
 *
 * <pre>
 * {"v":1,"product_id":"BTC-USD","time_us":1764607486123456,"time":"2025-12-01T16:44:46.123456Z",
 *  "probability":0.0731,"prediction":0,"alert":false,"threshold":0.1006,"model_version":"1",
 *  "model_name":"cvd-spike-v1","mid":85194.225,
 *  "features":{"ret_60s":-0.0004,"rv_60s":0.0011,"rv_300s":null,"spread_bps":0.0012,"obi":-0.45}}
 * </pre>
 *
 * <p>The fields up to {@code model_name} are those of the prediction on {@code ticks.predictions}
 * and {@code GET /predict/latest} ({@code alert} is {@code prediction == 1}); {@code mid} is the
 * mid price of the quote the row came from and {@code features} the {@link #FEATURES} of the row,
 * by contract v1 name. A missing value (NaN) is {@code null}. Doubles round-trip bit-identically.
 * Stateless and thread-safe.
 */
final class LiveMessage {

    /** Schema version of the message. */
    static final int VERSION = 1;

    /** The features a message carries, contract v1 names. */
    static final List<String> FEATURES =
            List.of("ret_60s", "rv_60s", "rv_300s", "spread_bps", "obi");

    private static final JsonFactory JSON = new JsonFactory();

    private LiveMessage() {}

    /** Encodes a scored row. */
    static String encode(ScoredRow scored) {
        Prediction p = scored.prediction();
        FeatureRow row = scored.row();
        StringWriter out = new StringWriter(480);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            g.writeStringField("product_id", p.productId());
            g.writeNumberField("time_us", p.timeMicros());
            g.writeStringField("time", p.time());
            number(g, "probability", p.probability());
            g.writeNumberField("prediction", p.prediction());
            g.writeBooleanField("alert", p.prediction() == 1);
            number(g, "threshold", p.threshold());
            g.writeStringField("model_version", p.modelVersion());
            g.writeStringField("model_name", p.modelName());
            number(g, "mid", scored.mid());
            g.writeObjectFieldStart("features");
            for (String name : FEATURES) {
                number(g, name, row.get(name));
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to a StringWriter does not fail
        }
        return out.toString();
    }

    private static void number(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(name, v);
        } else {
            g.writeNullField(name);
        }
    }
}

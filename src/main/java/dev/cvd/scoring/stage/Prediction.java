package dev.cvd.scoring.stage;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cvd.market.EventTime;
import dev.cvd.scoring.ModelMeta;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One prediction of the stream, as it travels on {@code ticks.predictions} (see {@link
 * PredictionCodec}) and as {@code GET /predict/latest} returns it.
 *
 * @param productId product of the feature row
 * @param timeMicros event time of the feature row, UTC microseconds
 * @param time {@code timeMicros} as ISO-8601 UTC, for people
 * @param probability probability of a volatility spike in the next horizon, in [0, 1]
 * @param prediction 1 when {@code probability >= threshold}, else 0
 * @param threshold the model's decision threshold
 * @param modelVersion version of the model that scored the row
 * @param modelName name of the model that scored the row
 */
// Both go through plain ObjectMappers (PredictionCodec, ModelMeta.read), outside Quarkus REST; the
// native executable needs them registered, and ModelMeta's package stays free of Quarkus.
@RegisterForReflection(targets = {Prediction.class, ModelMeta.class})
@JsonPropertyOrder({
    "v",
    "product_id",
    "time_us",
    "time",
    "probability",
    "prediction",
    "threshold",
    "model_version",
    "model_name"
})
public record Prediction(
        @JsonProperty("product_id") String productId,
        @JsonProperty("time_us") long timeMicros,
        @JsonProperty("time") String time,
        @JsonProperty("probability") double probability,
        @JsonProperty("prediction") int prediction,
        @JsonProperty("threshold") double threshold,
        @JsonProperty("model_version") String modelVersion,
        @JsonProperty("model_name") String modelName) {

    /** Builds a prediction; {@code time} and {@code prediction} are derived. */
    public static Prediction of(
            String productId,
            long timeMicros,
            double probability,
            double threshold,
            String modelVersion,
            String modelName) {
        return new Prediction(
                productId,
                timeMicros,
                EventTime.format(timeMicros),
                probability,
                probability >= threshold ? 1 : 0,
                threshold,
                modelVersion,
                modelName);
    }

    /**
     * @return the schema version of the prediction JSON, {@value PredictionCodec#VERSION}
     */
    @JsonProperty("v")
    public int v() {
        return PredictionCodec.VERSION;
    }
}

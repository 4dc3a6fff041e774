package dev.cvd.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cvd.scoring.stage.Prediction;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON shapes of {@code /predict}: requests (for the OpenAPI document) and answers. */
final class PredictResponses {

    private PredictResponses() {}

    @Schema(name = "PredictRow", description = "One row to score")
    record RowRequest(
            @Schema(
                            description =
                                    "Feature contract v1 name to value; a missing or null feature"
                                            + " is missing (NaN)",
                            required = true)
                    Map<String, Double> features) {}

    @Schema(name = "PredictBatch", description = "Rows to score together")
    record BatchRequest(
            @Schema(
                            description =
                                    "Rows, each an object of feature contract v1 name to value;"
                                            + " at most cvd.scoring.max-batch rows",
                            required = true)
                    List<Map<String, Double>> rows) {}

    /** The answer for one row. */
    @Schema(name = "PredictResult", description = "The prediction for one row")
    @JsonPropertyOrder({
        "prediction",
        "probability",
        "alert",
        "threshold",
        "model_name",
        "model_version",
        "inference_time_ms"
    })
    record Single(
            @Schema(description = "1 when probability >= threshold, else 0") int prediction,
            @Schema(description = "Probability of a volatility spike in the next 60 s")
                    double probability,
            @Schema(description = "prediction == 1") boolean alert,
            @Schema(description = "The model's decision threshold") double threshold,
            @JsonProperty("model_name") String modelName,
            @JsonProperty("model_version") String modelVersion,
            @Schema(description = "Model evaluation time in milliseconds")
                    @JsonProperty("inference_time_ms")
                    double inferenceTimeMs) {}

    /** One row of a batch answer. */
    @Schema(name = "BatchItem")
    @JsonPropertyOrder({"prediction", "probability", "alert"})
    record Item(int prediction, double probability, boolean alert) {}

    /** The answer for a batch. */
    @Schema(name = "PredictBatchResult", description = "Predictions for a batch, in row order")
    @JsonPropertyOrder({
        "predictions",
        "threshold",
        "model_name",
        "model_version",
        "inference_time_ms"
    })
    record Batch(
            List<Item> predictions,
            double threshold,
            @JsonProperty("model_name") String modelName,
            @JsonProperty("model_version") String modelVersion,
            @Schema(description = "Model evaluation time per row in milliseconds (batch mean)")
                    @JsonProperty("inference_time_ms")
                    double inferenceTimeMs) {}

    /** The latest stream predictions of all products. */
    @Schema(name = "LatestPredictions")
    record Latest(List<Prediction> predictions) {}
}

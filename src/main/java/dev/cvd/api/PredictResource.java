package dev.cvd.api;

import dev.cvd.scoring.stage.LatestPredictions;
import dev.cvd.scoring.stage.ModelService;
import dev.cvd.scoring.stage.NoModelException;
import dev.cvd.scoring.stage.Prediction;
import dev.cvd.scoring.stage.PredictionMetrics;
import dev.cvd.scoring.stage.Scores;
import dev.cvd.scoring.stage.ScoringSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /predict} (score rows given in the request) and {@code GET /predict/latest} (the
 * latest predictions of the stream).
 *
 * <p>Runs on the I/O thread: parsing and scoring do not block (the model is swapped in by the
 * reload thread), and a request costs microseconds to a few milliseconds for the largest batch.
 */
@Path("/predict")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "predict", description = "Volatility-spike predictions")
public class PredictResource {

    private final ModelService models;
    private final LatestPredictions latest;
    private final PredictionMetrics metrics;
    private final ScoringSettings settings;
    private final Timer singleLatency;
    private final Timer batchLatency;

    public PredictResource(
            ModelService models,
            LatestPredictions latest,
            PredictionMetrics metrics,
            ScoringSettings settings,
            MeterRegistry registry) {
        this.models = models;
        this.latest = latest;
        this.metrics = metrics;
        this.settings = settings;
        this.singleLatency = latency(registry, "single");
        this.batchLatency = latency(registry, "batch");
    }

    private static Timer latency(MeterRegistry registry, String kind) {
        return Timer.builder("cvd.predict.latency")
                .description("POST /predict answered with predictions: parsing and scoring")
                .tag("kind", kind)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @NonBlocking
    @Operation(
            summary = "Score one row or a batch of rows",
            description =
                    "Feature names are feature contract v1 names (GET /version lists them); a"
                            + " missing or null feature is missing (NaN). An unknown name or a"
                            + " value that is not a number is a 400 that names it.")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema =
                                    @Schema(
                                            oneOf = {
                                                PredictResponses.RowRequest.class,
                                                PredictResponses.BatchRequest.class
                                            }),
                            examples = {
                                @ExampleObject(
                                        name = "one row",
                                        value =
                                                "{\"features\": {\"ret_1s\": 0.0001, \"rv_60s\":"
                                                        + " 0.0004, \"spread_bps\": 0.8,"
                                                        + " \"obi\": null}}"),
                                @ExampleObject(
                                        name = "batch",
                                        value =
                                                "{\"rows\": [{\"rv_60s\": 0.0004}, {\"rv_60s\":"
                                                        + " 0.002, \"rv_300s\": 0.003}]}")
                            }))
    @APIResponse(
            responseCode = "200",
            description = "Predictions",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema =
                                    @Schema(
                                            oneOf = {
                                                PredictResponses.Single.class,
                                                PredictResponses.Batch.class
                                            })))
    @APIResponse(
            responseCode = "400",
            description = "Not a valid request",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "413",
            description = "Batch or body too large",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "415",
            description = "Not JSON",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "503",
            description = "No model serves",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Object predict(String body) {
        long t0 = System.nanoTime();
        PredictRequest request = PredictRequest.parse(body, settings.maxBatch());
        Scores scores;
        try {
            scores = models.score(request.rows());
        } catch (NoModelException e) {
            long retry = Math.max(1, settings.reloadInterval().toSeconds());
            throw new ApiException(
                    503,
                    "no model is serving: " + e.getMessage(),
                    Map.of("Retry-After", Long.toString(retry)));
        }
        metrics.count(PredictionMetrics.Source.API, scores);
        double ms = scores.evaluationNanos() / 1e6 / scores.size();
        Object answer;
        if (request.batch()) {
            List<PredictResponses.Item> items = new ArrayList<>(scores.size());
            for (int i = 0; i < scores.size(); i++) {
                boolean spike = scores.isSpike(i);
                items.add(
                        new PredictResponses.Item(spike ? 1 : 0, scores.probabilities()[i], spike));
            }
            answer =
                    new PredictResponses.Batch(
                            items,
                            scores.meta().threshold(),
                            scores.meta().name(),
                            scores.meta().version(),
                            ms);
        } else {
            boolean spike = scores.isSpike(0);
            answer =
                    new PredictResponses.Single(
                            spike ? 1 : 0,
                            scores.probabilities()[0],
                            spike,
                            scores.meta().threshold(),
                            scores.meta().name(),
                            scores.meta().version(),
                            ms);
        }
        (request.batch() ? batchLatency : singleLatency)
                .record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        return answer;
    }

    @GET
    @Path("/latest")
    @NonBlocking
    @Operation(
            summary = "The latest stream prediction of a product, or of every product",
            description =
                    "Predictions of the ticks.features stream scored by this instance, as they go"
                            + " to ticks.predictions.")
    @APIResponse(
            responseCode = "200",
            description = "With product: its latest prediction; without: all products",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema =
                                    @Schema(
                                            oneOf = {
                                                Prediction.class,
                                                PredictResponses.Latest.class
                                            })))
    @APIResponse(
            responseCode = "404",
            description = "No prediction for the product yet",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Object latest(
            @Parameter(description = "Product id, for example BTC-USD; omit for all products")
                    @QueryParam("product")
                    String product) {
        if (product == null) {
            return new PredictResponses.Latest(latest.all());
        }
        if (product.isBlank()) {
            throw new ApiException(400, "product is empty: give a product id, e.g. BTC-USD");
        }
        return latest.get(product)
                .orElseThrow(
                        () ->
                                new ApiException(
                                        404,
                                        "no prediction for product '"
                                                + product
                                                + "' yet"
                                                + known()));
    }

    private String known() {
        List<String> products = latest.all().stream().map(Prediction::productId).toList();
        if (products.isEmpty()) {
            return " (no product has a prediction yet)";
        }
        return products.size() <= 20
                ? " (products with predictions: " + String.join(", ", products) + ")"
                : " (" + products.size() + " products have predictions: GET /predict/latest)";
    }
}

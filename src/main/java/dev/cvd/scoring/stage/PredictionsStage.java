package dev.cvd.scoring.stage;

import dev.cvd.features.FeatureRow;
import dev.cvd.features.FeatureRowCodec;
import dev.cvd.kafka.Channels;
import dev.cvd.market.WireFormatException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

/**
 * The predictions stage: feature rows from {@code ticks.features} scored by the serving model onto
 * {@code ticks.predictions} (key = product, {@link PredictionCodec}), and the latest prediction of
 * each product kept for the API ({@link LatestPredictions}).
 *
 * <p>The stage holds no per-product state, so records are scored on the thread that delivers them,
 * in partition order; scoring a row takes microseconds and never blocks (a model reload happens on
 * its own thread and swaps the model atomically). A prediction's Kafka acknowledgement acknowledges
 * the feature row it came from, so the consumer commits a row only once its prediction is stored. A
 * record that is not a valid feature row is nacked: the channel's dead-letter strategy sends it to
 * {@code ticks.dlq} with its reason and the stream goes on. A row that arrives while no model
 * serves is acknowledged without a prediction and counted ({@code
 * cvd.events.skipped{reason=no_model}}).
 */
@ApplicationScoped
public class PredictionsStage {

    private static final Logger LOG = Logger.getLogger(PredictionsStage.class);
    private static final String STAGE = "scoring";

    private final ModelService models;
    private final LatestPredictions latest;
    private final PredictionMetrics predictions;
    private final MeterRegistry registry;
    private final Counter rowsIn;
    private final Counter predictionsOut;
    private final Counter skippedNoModel;

    public PredictionsStage(
            ModelService models,
            LatestPredictions latest,
            PredictionMetrics predictions,
            MeterRegistry registry) {
        this.models = models;
        this.latest = latest;
        this.predictions = predictions;
        this.registry = registry;
        this.rowsIn = registry.counter("cvd.events.in", "stage", STAGE);
        this.predictionsOut = registry.counter("cvd.events.out", "stage", STAGE);
        this.skippedNoModel =
                registry.counter("cvd.events.skipped", "stage", STAGE, "reason", "no_model");
    }

    @Incoming(Channels.FEATURES_IN)
    @Outgoing(Channels.PREDICTIONS_OUT)
    public Multi<Message<String>> process(Multi<Message<String>> rows) {
        // Mutiny streams carry no nulls: a row without a prediction maps to an empty Optional.
        return rows.onItem()
                .transform(m -> Optional.ofNullable(handle(m)))
                .filter(Optional::isPresent)
                .map(Optional::get);
    }

    /**
     * Scores one feature row record; returns its prediction message, or null when there is none.
     */
    Message<String> handle(Message<String> in) {
        FeatureRow row;
        try {
            row = FeatureRowCodec.decode(in.getPayload());
        } catch (WireFormatException e) {
            rejected(e.reason());
            in.nack(e);
            return null;
        }
        rowsIn.increment();
        Prediction p;
        try {
            Scores scores = models.score(row.values());
            predictions.count(PredictionMetrics.Source.STREAM, scores);
            p =
                    Prediction.of(
                            row.productId(),
                            row.timeMicros(),
                            scores.probabilities()[0],
                            scores.meta().threshold(),
                            scores.meta().version(),
                            scores.meta().name());
        } catch (NoModelException e) {
            skippedNoModel.increment();
            in.ack();
            return null;
        } catch (RuntimeException e) {
            rejected("processing_error");
            LOG.errorf("cannot score %s: %s", in.getPayload(), e.toString());
            in.nack(new IllegalStateException("processing_error: " + e.getMessage()));
            return null;
        }
        latest.put(p);
        predictionsOut.increment();
        Metadata metadata =
                Metadata.of(
                        OutgoingKafkaRecordMetadata.<String>builder()
                                .withKey(p.productId())
                                .build());
        return Message.of(PredictionCodec.encode(p), metadata).withAck(in::ack).withNack(in::nack);
    }

    private void rejected(String reason) {
        registry.counter("cvd.events.rejected", "stage", STAGE, "reason", reason).increment();
    }

    /** Feature rows scored so far. */
    public long rowsScored() {
        return (long) predictionsOut.count();
    }

    /** Feature rows acknowledged without a prediction because no model served. */
    public long rowsSkipped() {
        return (long) skippedNoModel.count();
    }
}

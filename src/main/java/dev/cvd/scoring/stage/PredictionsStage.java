package dev.cvd.scoring.stage;

import dev.cvd.features.FeatureRow;
import dev.cvd.features.FeatureRowCodec;
import dev.cvd.kafka.BatchAck;
import dev.cvd.kafka.Channels;
import dev.cvd.kafka.RecordSender;
import dev.cvd.kafka.StageThread;
import dev.cvd.market.JsonBytes;
import dev.cvd.market.Topics;
import dev.cvd.market.WireFormatException;
import dev.cvd.market.WireText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

/**
 * The predictions stage: feature rows from {@code ticks.features} scored by the serving model onto
 * {@code ticks.predictions} (key = product, {@link PredictionCodec}), and the latest prediction of
 * each product kept for the API ({@link LatestPredictions}).
 *
 * <p>Records are scored in polled batches and in partition order on one dedicated thread, which
 * sends each prediction to the {@code predictions-out} channel's own producer as it is made ({@link
 * RecordSender}; the send may wait for the broker, which must not hold up the event loop that
 * delivered the batch); scoring a row takes microseconds (a model reload happens on its own thread
 * and swaps the model atomically). A batch is acknowledged, and its offsets committed, only once
 * Kafka has stored every prediction made from it ({@link BatchAck}). A record that is not a valid
 * feature row goes to {@code ticks.dlq} with its reason as part of its batch and the stream goes
 * on. A row that arrives while no model serves gets no prediction and is counted ({@code
 * cvd.events.skipped{reason=no_model}}). Each prediction is also fired as a {@link ScoredRow} event
 * (with the row and the quote's mid price from the record's {@link FeatureRowCodec#MID_HEADER}
 * header), for the live stream of the API.
 */
@ApplicationScoped
public class PredictionsStage {

    private static final Logger LOG = Logger.getLogger(PredictionsStage.class);
    private static final String STAGE = "scoring";

    private final ModelService models;
    private final LatestPredictions latest;
    private final Event<ScoredRow> scored;
    private final PredictionMetrics predictions;
    private final MeterRegistry registry;
    private final Counter rowsIn;
    private final Counter predictionsOut;
    private final Counter skippedNoModel;
    private final ExecutorService worker;

    @Inject KafkaClientService clients;

    /** The topic of the {@code predictions-out} channel. */
    @ConfigProperty(
            name = "mp.messaging.outgoing.predictions-out.topic",
            defaultValue = Topics.PREDICTIONS)
    String predictionsTopic = Topics.PREDICTIONS;

    /** The {@code predictions-out} channel's producer, once the first batch arrives. */
    private RecordSender out;

    /** The text of the predictions being made, on the stage's thread. */
    private final JsonBytes text = new JsonBytes(256);

    public PredictionsStage(
            ModelService models,
            LatestPredictions latest,
            Event<ScoredRow> scored,
            PredictionMetrics predictions,
            MeterRegistry registry) {
        this.models = models;
        this.latest = latest;
        this.scored = scored;
        this.predictions = predictions;
        this.registry = registry;
        this.rowsIn = registry.counter("cvd.events.in", "stage", STAGE);
        this.predictionsOut = registry.counter("cvd.events.out", "stage", STAGE);
        this.skippedNoModel =
                registry.counter("cvd.events.skipped", "stage", STAGE, "reason", "no_model");
        this.worker = StageThread.named("cvd-scoring");
    }

    /**
     * Wires {@code features-in} to {@code predictions-out}. The predictions are sent to the {@code
     * predictions-out} channel's producer by {@link #handleBatch}, so no message comes out of this
     * stream; the channel is declared here so that the connector makes, configures, checks and
     * closes that producer.
     */
    @Incoming(Channels.FEATURES_IN)
    @Outgoing(Channels.PREDICTIONS_OUT)
    public Multi<Message<byte[]>> process(Multi<Message<List<String>>> batches) {
        return batches.emitOn(worker, 4)
                .onItem()
                .transformToIterable(
                        batch -> {
                            handleBatch(batch, out());
                            return List.of();
                        });
    }

    private RecordSender out() {
        if (out == null) {
            out = RecordSender.of(clients, Channels.PREDICTIONS_OUT);
        }
        return out;
    }

    /**
     * Scores one polled batch of feature rows in order, sending its predictions and dead letters to
     * {@code out} as they are made; the batch is acknowledged once Kafka stored them all.
     */
    void handleBatch(Message<List<String>> batch, RecordSender out) {
        var metadata = batch.getMetadata(IncomingKafkaRecordBatchMetadata.class);
        if (metadata.isEmpty()) {
            batch.ack(); // not from Kafka: nothing to score
            return;
        }
        @SuppressWarnings("unchecked")
        ConsumerRecords<String, String> records = metadata.get().getRecords();
        BatchAck ack = new BatchAck(batch);
        for (ConsumerRecord<String, String> record : records) {
            ProducerRecord<String, byte[]> r = handle(record);
            if (r != null) {
                if (!ack.send(out, r)) {
                    return;
                }
            }
        }
        ack.sealed();
    }

    @PreDestroy
    void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Scores one feature row record; returns its prediction record, a dead letter, or null when no
     * model serves.
     */
    private ProducerRecord<String, byte[]> handle(ConsumerRecord<String, String> record) {
        FeatureRow row;
        try {
            row = FeatureRowCodec.decode(record.value());
        } catch (WireFormatException e) {
            rejected(e.reason());
            return BatchAck.deadLetter(record, STAGE, e.getMessage());
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
            return null;
        } catch (RuntimeException e) {
            rejected("processing_error");
            LOG.errorf("cannot score %s: %s", record.value(), e.toString());
            return BatchAck.deadLetter(record, STAGE, "processing_error: " + e.getMessage());
        }
        latest.put(p);
        try {
            scored.fire(new ScoredRow(p, row, mid(record)));
        } catch (RuntimeException e) {
            // An observer's failure is its own: the prediction is made and goes to Kafka.
            LOG.errorf("a ScoredRow observer failed: %s", e.toString());
        }
        predictionsOut.increment();
        return new ProducerRecord<>(
                predictionsTopic, p.productId(), PredictionCodec.write(text.clear(), p).toBytes());
    }

    /** The mid price the features stage put in the record's header, or NaN. */
    private static double mid(ConsumerRecord<String, String> record) {
        Header h = record.headers().lastHeader(FeatureRowCodec.MID_HEADER);
        if (h == null || h.value() == null) {
            return Double.NaN;
        }
        try {
            return WireText.parseDouble(new String(h.value(), StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
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

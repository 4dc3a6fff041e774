package dev.cvd.features.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cvd.features.FeatureEngine;
import dev.cvd.features.FeatureRowCodec;
import dev.cvd.market.Quote;
import dev.cvd.market.RawEventCodec;
import dev.cvd.market.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The features stage's handling of one polled batch: rows and dead letters sent in order, the batch
 * acknowledged only once Kafka stored all of them, records already in the state skipped, and a
 * batch polled before its partition was given back to this instance dropped unacknowledged.
 */
class FeaturesStageBatchTest {

    private static final int PARTITION = 0;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FeaturesStage stage = new FeaturesStage(settings(), registry);
    private final AtomicInteger acks = new AtomicInteger();
    private final AtomicInteger nacks = new AtomicInteger();

    /** What the stage sent, and the callback it sent each record with. */
    private final List<ProducerRecord<String, byte[]>> sent = new ArrayList<>();

    private final List<Callback> callbacks = new ArrayList<>();

    @AfterEach
    void close() {
        stage.close();
    }

    @Test
    void aBatchGivesOneRowPerQuoteAndADeadLetterForAPoisonRecordAndIsAckedWhenAllAre() {
        stage.assign(PARTITION, new FeatureEngine(), 0, 3);
        List<ConsumerRecord<String, String>> records =
                List.of(quote(0, 1_000_000), poison(1), quote(2, 2_000_000));

        List<ProducerRecord<String, byte[]>> out = handle(batch(records, 3));

        assertThat(out).hasSize(3);
        assertThat(out.get(0).topic()).isEqualTo(Topics.FEATURES);
        assertThat(out.get(0).key()).isEqualTo("BTC-USD");
        assertThat(FeatureRowCodec.decode(text(out.get(0))).timeMicros()).isEqualTo(1_000_000);
        assertThat(out.get(1).topic()).isEqualTo(Topics.DLQ);
        assertThat(out.get(1).key()).isEqualTo("BTC-USD");
        assertThat(text(out.get(1))).isEqualTo("not json");
        assertThat(header(out.get(1), Topics.DLQ_REASON_HEADER)).startsWith("malformed_json: ");
        assertThat(header(out.get(1), Topics.DLQ_STAGE_HEADER)).isEqualTo("features");
        assertThat(header(out.get(1), "dead-letter-topic")).isEqualTo(Topics.RAW);
        assertThat(header(out.get(1), "dead-letter-partition")).isEqualTo("0");
        assertThat(header(out.get(1), "dead-letter-offset")).isEqualTo("1");
        assertThat(FeatureRowCodec.decode(text(out.get(2))).timeMicros()).isEqualTo(2_000_000);
        assertThat(header(out.get(2), FeatureRowCodec.MID_HEADER)).isEqualTo("100.5");

        stored(0);
        stored(1);
        assertThat(acks).hasValue(0);
        stored(2);
        assertThat(acks).hasValue(1);
        assertThat(nacks).hasValue(0);
    }

    @Test
    void theLastEventAgeOfAProductIsMeasuredFromItsLatestEvent() throws InterruptedException {
        stage.assign(PARTITION, new FeatureEngine(), 0, 1);
        handle(batch(List.of(quote(0, 1_000_000)), 1));
        Thread.sleep(300);
        double before = lastEventAge();
        assertThat(before).isGreaterThanOrEqualTo(0.3).isLessThan(30);

        handle(batch(List.of(quote(1, 2_000_000)), 1));
        assertThat(lastEventAge()).isLessThan(before);
        assertThat(stage.eventsProcessed()).isEqualTo(2);
        assertThat(stage.rowsEmitted()).isEqualTo(2);
    }

    private double lastEventAge() {
        return registry.get("cvd.last.event.age").tags("product", "BTC-USD").gauge().value();
    }

    @Test
    void aFailedRowNacksTheBatchOnceAndLaterAcksDoNotAckIt() {
        stage.assign(PARTITION, new FeatureEngine(), 0, 1);
        handle(batch(List.of(quote(0, 1_000_000), quote(1, 2_000_000)), 1));

        callbacks.get(0).onCompletion(null, new IllegalStateException("broker refused"));
        callbacks.get(1).onCompletion(null, new IllegalStateException("broker refused"));
        stored(1);

        assertThat(nacks).hasValue(1);
        assertThat(acks).hasValue(0);
    }

    @Test
    void aProducerThatCannotSendLeavesTheBatchUnacknowledged() {
        stage.assign(PARTITION, new FeatureEngine(), 0, 1);
        stage.handleBatch(
                batch(List.of(quote(0, 1_000_000), quote(1, 2_000_000)), 1),
                (record, callback) -> {
                    throw new IllegalStateException("producer closed");
                });
        assertThat(acks).hasValue(0);
        assertThat(nacks).hasValue(0);
    }

    @Test
    void recordsAlreadyInTheStateAreSkippedAndABatchWithoutOutputIsAckedAtOnce() {
        stage.assign(PARTITION, new FeatureEngine(), 2, 1);
        assertThat(handle(batch(List.of(quote(0, 1_000_000), poison(1)), 1))).isEmpty();
        assertThat(acks).hasValue(1);
        assertThat(stage.eventsProcessed()).isZero();
    }

    @Test
    void aBatchPolledBeforeThePartitionWasGivenBackIsDroppedWithoutAnAck() {
        stage.assign(PARTITION, new FeatureEngine(), 0, 7);
        assertThat(handle(batch(List.of(quote(0, 1_000_000)), 6))).isEmpty();
        assertThat(acks).hasValue(0);
        assertThat(nacks).hasValue(0);

        // The consumer delivers the records again in the new generation: they count once.
        assertThat(handle(batch(List.of(quote(0, 1_000_000)), 7))).hasSize(1);
        assertThat(stage.rowsEmitted()).isEqualTo(1);
    }

    @Test
    void recordsOfAPartitionThisInstanceDoesNotOwnAreNotApplied() {
        assertThat(handle(batch(List.of(quote(0, 1_000_000)), 1))).isEmpty();
        assertThat(stage.eventsProcessed()).isZero();
    }

    @Test
    void aQuoteTheEngineRejectsIsCountedByItsReasonAndMakesNoRow() {
        stage.assign(PARTITION, new FeatureEngine(), 0, 1);
        String crossed =
                RawEventCodec.encode(new Quote("BTC-USD", 1_000_000, 101.0, 1.0, 100.0, 2.0));
        List<ProducerRecord<String, byte[]>> out =
                handle(
                        batch(
                                List.of(
                                        new ConsumerRecord<>(
                                                Topics.RAW, PARTITION, 0, "BTC-USD", crossed),
                                        quote(1, 2_000_000)),
                                1));
        assertThat(out).hasSize(1);
        assertThat(
                        registry.get("cvd.events.rejected")
                                .tags("stage", "features", "reason", "invalid_quote")
                                .counter()
                                .count())
                .isEqualTo(1.0);
        assertThat(
                        registry.get("cvd.events.rejected")
                                .tags("stage", "features", "reason", "invalid_trade")
                                .counter()
                                .count())
                .isZero();
    }

    /** Handles a batch; returns the records it sent. */
    private List<ProducerRecord<String, byte[]>> handle(Message<List<String>> batch) {
        int from = sent.size();
        stage.handleBatch(
                batch,
                (record, callback) -> {
                    sent.add(record);
                    callbacks.add(callback);
                });
        return List.copyOf(sent.subList(from, sent.size()));
    }

    /** Kafka stored the i-th record sent. */
    private void stored(int i) {
        callbacks.get(i).onCompletion(null, null);
    }

    private Message<List<String>> batch(List<ConsumerRecord<String, String>> records, int gen) {
        TopicPartition tp = new TopicPartition(Topics.RAW, PARTITION);
        ConsumerRecords<String, String> polled =
                new ConsumerRecords<>(Map.of(tp, records), Map.of());
        List<String> payloads = new ArrayList<>();
        records.forEach(r -> payloads.add(r.value()));
        return Message.of(
                payloads,
                Metadata.of(
                        new IncomingKafkaRecordBatchMetadata<>(polled, "raw-in", 0, Map.of(), gen)),
                () -> {
                    acks.incrementAndGet();
                    return CompletableFuture.completedFuture(null);
                },
                e -> {
                    nacks.incrementAndGet();
                    return CompletableFuture.completedFuture(null);
                });
    }

    private static ConsumerRecord<String, String> quote(long offset, long timeMicros) {
        String value =
                RawEventCodec.encode(new Quote("BTC-USD", timeMicros, 100.0, 1.0, 101.0, 2.0));
        return new ConsumerRecord<>(Topics.RAW, PARTITION, offset, "BTC-USD", value);
    }

    private static ConsumerRecord<String, String> poison(long offset) {
        return new ConsumerRecord<>(Topics.RAW, PARTITION, offset, "BTC-USD", "not json");
    }

    private static String text(ProducerRecord<String, byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }

    private static String header(ProducerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static FeaturesSettings settings() {
        return new FeaturesSettings() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public Duration rebuildWindow() {
                return Duration.ofMinutes(6);
            }

            @Override
            public Store store() {
                return new Store() {
                    @Override
                    public boolean enabled() {
                        return false;
                    }

                    @Override
                    public String dir() {
                        return "unused";
                    }

                    @Override
                    public long maxRows() {
                        return 1;
                    }

                    @Override
                    public Duration maxAge() {
                        return Duration.ofMinutes(5);
                    }
                };
            }
        };
    }
}

package dev.cvd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cvd.features.FeatureRow;
import dev.cvd.features.FeatureRowCodec;
import dev.cvd.features.stage.FeaturesStage;
import dev.cvd.ingest.stage.ReplayService;
import dev.cvd.kafka.Channels;
import dev.cvd.kafka.EmbeddedKafkaBroker;
import dev.cvd.kafka.EmbeddedKafkaResource;
import dev.cvd.kafka.InjectEmbeddedKafka;
import dev.cvd.kafka.KafkaPlatform;
import dev.cvd.kafka.TopicContents;
import dev.cvd.market.RawEventCodec;
import dev.cvd.market.Topics;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The broker stopped and restarted in the middle of a replay, with the service running: the
 * idempotent producers retry across the outage and the features consumer resumes where it was, so
 * {@code ticks.raw} holds every event of the recording exactly once and {@code ticks.features}
 * exactly the rows of the offline engine, bit for bit.
 *
 * <p>The producers never give up on a record while the broker is away (their {@code
 * delivery.timeout.ms} and {@code max.block.ms} are unbounded), which the second test checks.
 */
@QuarkusTest
@WithTestResource(
        value = EmbeddedKafkaResource.class,
        scope = TestResourceScope.RESTRICTED_TO_CLASS)
class BrokerOutageTest {

    private static final Path RECORDING =
            Path.of("replay/ticks_BTCUSD_20251201_164446_10min.ndjson.gz");

    /** Ten minutes of recording in 25 s. */
    private static final double SPEED = 24;

    private static final Duration OUTAGE = Duration.ofSeconds(5);
    private static final Duration READ = Duration.ofSeconds(30);
    private static final long KAFKA_DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;

    @Inject ReplayService replay;
    @Inject FeaturesStage features;
    @Inject KafkaPlatform kafka;
    @Inject KafkaClientService clients;

    @InjectEmbeddedKafka EmbeddedKafkaBroker broker;

    @Test
    void aBrokerStoppedAndRestartedMidReplayLosesNoEventAndDuplicatesNoFeatureRow()
            throws Exception {
        OfflineRun offline = OfflineRun.of(RECORDING);
        int n = offline.events.size();
        List<FeatureRow> expected = offline.rows();
        assertThat(expected).hasSizeGreaterThan(3000);

        replay.start(List.of(RECORDING), SPEED, false);
        await().atMost(Duration.ofSeconds(60)).until(() -> replay.published() >= n / 3);
        broker.stop();
        long rowsAtStop = features.rowsEmitted();
        TimeUnit.MILLISECONDS.sleep(OUTAGE.toMillis());
        // The outage hit the pipeline in full flow: events were waiting for the broker, in the
        // producer or still in the recording, and the features stage had rows to make.
        assertThat(replay.published())
                .as("events acknowledged when the broker comes back")
                .isLessThan(n);
        assertThat(rowsAtStop)
                .as("feature rows when the broker stopped")
                .isLessThan(expected.size());
        broker.restart();

        await().atMost(Duration.ofSeconds(60))
                .until(() -> replay.state() != ReplayService.State.RUNNING);
        assertThat(replay.state()).isEqualTo(ReplayService.State.FINISHED);
        // The replay finishes when it has sent its last event; Kafka acknowledges it just after.
        await().atMost(Duration.ofSeconds(30)).until(() -> replay.published() >= n);
        assertThat(replay.published()).as("events acknowledged by Kafka").isEqualTo(n);
        // The consumer commits a raw offset only after its row is stored: once the committed
        // offset reaches the end of ticks.raw, every row the stage will ever send is there.
        await().atMost(Duration.ofSeconds(60)).until(this::featuresCommittedToTheEnd);

        List<String> raw =
                TopicContents.readAll(kafka.bootstrapServers(), Topics.RAW, READ).stream()
                        .map(ConsumerRecord::value)
                        .toList();
        List<String> sent = offline.events.stream().map(RawEventCodec::encode).toList();
        StreamAccounting.Tally rawTally = StreamAccounting.tally(sent, raw, s -> s);
        assertThat(rawTally.exactlyOnce()).as(rawTally.describe(Topics.RAW)).isTrue();
        assertThat(raw).as("ticks.raw in recording order").isEqualTo(sent);

        List<FeatureRow> streamed =
                TopicContents.readAll(kafka.bootstrapServers(), Topics.FEATURES, READ).stream()
                        .map(r -> FeatureRowCodec.decode(r.value()))
                        .toList();
        StreamAccounting.Tally rowTally =
                StreamAccounting.tally(
                        expected, streamed, r -> r.productId() + "@" + r.timeMicros());
        assertThat(rowTally.exactlyOnce()).as(rowTally.describe(Topics.FEATURES)).isTrue();
        for (int i = 0; i < expected.size(); i++) {
            assertThat(streamed.get(i))
                    .as("row %d of ticks.features", i)
                    .isEqualTo(expected.get(i));
        }
        assertThat(TopicContents.readAll(kafka.bootstrapServers(), Topics.DLQ, READ))
                .as("records sent to ticks.dlq (a send that failed during the outage)")
                .isEmpty();
    }

    /**
     * A record a producer could not deliver within {@code delivery.timeout.ms} would be given up:
     * {@code RawPublisher}'s nack counts it and the replay goes on without the event; the features
     * stage's nack sends the raw records of the failed row to {@code ticks.dlq} and commits past
     * them. With Kafka's default of 120 s, an outage longer than two minutes lost events and rows
     * (with the timeout at 6 s, a 15 s outage in this test's scenario lost 22 of 3,996 events on
     * ticks.raw and 34 rows, and put 12 valid events on ticks.dlq). So the producers that carry the
     * stream never give up on a record: retries are unbounded and so is the delivery timeout
     * (ordering stays intact with idempotence, and the in-flight limits bound the memory while the
     * broker is away). An outage of minutes is too long for a test, hence this check of the live
     * configuration.
     */
    @Test
    void theProducersOfTheStreamNeverGiveUpOnARecordWhileTheBrokerIsAway() {
        for (String channel :
                List.of(
                        Channels.RAW_OUT,
                        Channels.FEATURES_OUT,
                        Channels.DLQ_OUT,
                        Channels.PREDICTIONS_OUT)) {
            Map<String, ?> config = clients.getProducer(channel).configuration();
            // The channel's own Kafka settings are in this map (so would the timeout be).
            assertThat(config.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG))
                    .as("%s of %s", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, channel)
                    .hasToString("true");
            Object timeout = config.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
            long millis =
                    timeout == null
                            ? KAFKA_DEFAULT_DELIVERY_TIMEOUT_MS
                            : Long.parseLong(timeout.toString());
            assertThat(millis)
                    .as(
                            "%s of %s (%s): a record still unsent after that long is given up",
                            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                            channel,
                            timeout == null ? "Kafka's default" : "configured")
                    .isEqualTo(Integer.MAX_VALUE);
            // A send waits for its topic's metadata at most max.block.ms (a minute by default),
            // then fails: the first dead letter after a while without one, sent while the broker
            // is away, failed its whole batch into ticks.dlq.
            assertThat(config.get(ProducerConfig.MAX_BLOCK_MS_CONFIG))
                    .as("%s of %s", ProducerConfig.MAX_BLOCK_MS_CONFIG, channel)
                    .hasToString(String.valueOf(Integer.MAX_VALUE));
        }
    }

    /** Whether the features consumer group has committed every record of ticks.raw. */
    private boolean featuresCommittedToTheEnd() throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets("cvd-features")
                            .partitionsToOffsetAndMetadata()
                            .get(10, TimeUnit.SECONDS);
            Map<Integer, List<ConsumerRecord<String, String>>> raw =
                    TopicContents.read(kafka.bootstrapServers(), Topics.RAW, READ);
            for (var e : raw.entrySet()) {
                if (e.getValue().isEmpty()) {
                    continue;
                }
                OffsetAndMetadata c = committed.get(new TopicPartition(Topics.RAW, e.getKey()));
                long end = e.getValue().get(e.getValue().size() - 1).offset() + 1;
                if (c == null || c.offset() < end) {
                    return false;
                }
            }
            return true;
        }
    }
}

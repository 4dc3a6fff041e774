package dev.cvd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.cvd.features.FeatureRow;
import dev.cvd.features.FeatureRowCodec;
import dev.cvd.ingest.stage.ReplayService;
import dev.cvd.kafka.EmbeddedKafkaResource;
import dev.cvd.kafka.KafkaPlatform;
import dev.cvd.kafka.TopicReader;
import dev.cvd.market.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming spine end to end through a real Kafka broker: replay onto ticks.raw, the features
 * stage, ticks.features and ticks.dlq.
 */
@QuarkusTest
@WithTestResource(EmbeddedKafkaResource.class)
class PipelineTest {

    private static final Path RECORDING =
            Path.of("replay/ticks_BTCUSD_20251201_164446_10min.ndjson.gz");
    private static final String POISON = "{\"timestamp\": \"2025-12-01T16:45:00\", \"raw\": {";

    @Inject ReplayService replay;
    @Inject KafkaPlatform kafka;

    @TempDir Path tmp;

    @Test
    void replayedRecordingGivesTheOfflineFeatureRowsAndItsPoisonLineLandsInTheDlq()
            throws Exception {
        // The bundled recording with an undecodable line in the middle.
        List<String> lines = new ArrayList<>();
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(
                                new GZIPInputStream(Files.newInputStream(RECORDING)),
                                StandardCharsets.UTF_8))) {
            in.lines().forEach(lines::add);
        }
        lines.add(lines.size() / 2, POISON);
        Path recording = tmp.resolve("with-poison.ndjson");
        Files.write(recording, lines);
        List<FeatureRow> expected = offlineRows(recording);
        assertThat(expected).hasSizeGreaterThan(3000);

        replay.start(List.of(recording), Double.POSITIVE_INFINITY, false);

        try (TopicReader features = new TopicReader(kafka.bootstrapServers(), Topics.FEATURES);
                TopicReader dlq = new TopicReader(kafka.bootstrapServers(), Topics.DLQ)) {
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> rowsOf(features.poll(), "BTC-USD").size() >= expected.size());
            List<FeatureRow> streamed = rowsOf(features.poll(), "BTC-USD");
            assertThat(streamed).hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertThat(streamed.get(i)).as("row %d", i).isEqualTo(expected.get(i));
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    dlq.poll().stream()
                                            .anyMatch(
                                                    r ->
                                                            POISON.equals(r.value())
                                                                    && "malformed_json"
                                                                            .equals(
                                                                                    header(
                                                                                            r,
                                                                                            Topics
                                                                                                    .DLQ_REASON_HEADER))));
        }
        assertThat(replay.state()).isEqualTo(ReplayService.State.FINISHED);
    }

    @Test
    void aPoisonRecordOnTicksRawGoesToTheDlqWithItsReasonAndTheStreamGoesOn() throws Exception {
        String quote =
                "{\"v\":1,\"type\":\"quote\",\"product_id\":\"ETH-USD\",\"time_us\":1764607486000000,"
                        + "\"bid\":3000.5,\"bid_qty\":2.0,\"ask\":3000.6,\"ask_qty\":1.0}";
        try (KafkaProducer<String, String> producer = producer();
                TopicReader features = new TopicReader(kafka.bootstrapServers(), Topics.FEATURES);
                TopicReader dlq = new TopicReader(kafka.bootstrapServers(), Topics.DLQ)) {
            producer.send(new ProducerRecord<>(Topics.RAW, "ETH-USD", "not json at all")).get();
            producer.send(new ProducerRecord<>(Topics.RAW, "ETH-USD", "{\"v\":7}")).get();
            producer.send(new ProducerRecord<>(Topics.RAW, "ETH-USD", quote)).get();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> rowsOf(features.poll(), "ETH-USD").size() == 1);
            FeatureRow row = rowsOf(features.poll(), "ETH-USD").get(0);
            assertThat(row.timeMicros()).isEqualTo(1764607486000000L);
            assertThat(row.get("spread_bps")).isEqualTo(1e4 * (3000.6 - 3000.5) / 3000.55);
            assertThat(row.get("obi")).isEqualTo(1.0 / 3.0);
            assertThat(row.get("ret_1s")).isNaN();

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> {
                                var reasons =
                                        dlq.poll().stream()
                                                .filter(r -> "ETH-USD".equals(r.key()))
                                                .map(r -> header(r, Topics.DLQ_REASON_HEADER))
                                                .toList();
                                assertThat(reasons).hasSize(2);
                                assertThat(reasons.get(0)).startsWith("malformed_json");
                                assertThat(reasons.get(1))
                                        .isEqualTo("unsupported_version: schema version 7");
                            });
        }
    }

    @Test
    void healthReportsEachComponentAndMetricsCountTheStages() {
        RestAssured.get("/health")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("broker"))
                .body("checks.name", hasItem("ingest"))
                .body("checks.name", hasItem("features"))
                .body("checks.find { it.name == 'broker' }.data.brokers", equalTo(1));
        String metrics = RestAssured.get("/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("cvd_events_in_total{stage=\"features\"}")
                .contains("cvd_events_rejected_total{reason=\"invalid_quote\",stage=\"features\"}")
                .contains("kafka_consumer_fetch_manager_records_lag_max")
                .contains("cvd_tick_to_feature_seconds{quantile=\"0.99\"}");
    }

    static List<FeatureRow> offlineRows(Path recording) throws Exception {
        return OfflineRun.of(recording).rows();
    }

    private static List<FeatureRow> rowsOf(
            List<ConsumerRecord<String, String>> records, String product) {
        return records.stream()
                .filter(r -> product.equals(r.key()))
                .map(r -> FeatureRowCodec.decode(r.value()))
                .toList();
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer());
    }
}

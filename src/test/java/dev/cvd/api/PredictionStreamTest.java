package dev.cvd.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvd.features.FeatureContract;
import dev.cvd.features.FeatureRowCodec;
import dev.cvd.kafka.EmbeddedKafkaResource;
import dev.cvd.kafka.KafkaPlatform;
import dev.cvd.kafka.TopicReader;
import dev.cvd.market.Topics;
import dev.cvd.scoring.ModelBundle;
import dev.cvd.scoring.stage.Prediction;
import dev.cvd.scoring.stage.PredictionCodec;
import dev.cvd.scoring.stage.TestBundles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The predictions stage through the real broker: ticks.features to ticks.predictions and back. */
@QuarkusTest
@TestProfile(ApiTestProfile.class)
@WithTestResource(EmbeddedKafkaResource.class)
class PredictionStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject KafkaPlatform kafka;

    @Test
    void aFeatureRowBecomesAPredictionOnTheTopicAndTheLatestOfItsProduct() throws Exception {
        double[] row = TestBundles.row(42);
        long time = 1764607486123456L;
        double expected;
        try (ModelBundle bundle = ModelBundle.load(ApiTestProfile.bundle())) {
            expected = bundle.probabilityOfContractRow(row, new double[FeatureContract.SIZE]);
        }
        try (KafkaProducer<String, String> producer = producer();
                TopicReader predictions =
                        new TopicReader(kafka.bootstrapServers(), Topics.PREDICTIONS)) {
            producer.send(
                            new ProducerRecord<>(
                                    Topics.FEATURES,
                                    "SOL-TEST",
                                    FeatureRowCodec.encode("SOL-TEST", time, row)))
                    .get();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> of(predictions.poll(), "SOL-TEST").size() == 1);
            ConsumerRecord<String, String> record = of(predictions.poll(), "SOL-TEST").get(0);
            JsonNode json = JSON.readTree(record.value());
            assertThat(json.get("v").asInt()).isEqualTo(1);
            assertThat(json.get("product_id").asText()).isEqualTo("SOL-TEST");
            assertThat(json.get("time_us").asLong()).isEqualTo(time);
            assertThat(json.get("time").asText()).isEqualTo("2025-12-01T16:44:46.123456Z");
            assertThat(json.get("probability").asDouble()).isEqualTo(expected);
            assertThat(json.get("prediction").asInt())
                    .isEqualTo(expected >= TestBundles.THRESHOLD ? 1 : 0);
            assertThat(json.get("threshold").asDouble()).isEqualTo(TestBundles.THRESHOLD);
            assertThat(json.get("model_version").asText()).isEqualTo("1");
            assertThat(json.get("model_name").asText()).isEqualTo(TestBundles.NAME);
            Prediction p = PredictionCodec.decode(record.value());

            String latest =
                    given().queryParam("product", "SOL-TEST")
                            .get("/predict/latest")
                            .then()
                            .statusCode(200)
                            .extract()
                            .asString();
            assertThat(PredictionCodec.decode(latest)).isEqualTo(p);
            JsonNode all = JSON.readTree(given().get("/predict/latest").asString());
            assertThat(all.get("predictions").findValuesAsText("product_id")).contains("SOL-TEST");
        }
    }

    @Test
    void aPoisonRowGoesToTheDlqWithItsReasonAndTheStreamGoesOn() throws Exception {
        String unknownFeature =
                "{\"v\":1,\"contract\":1,\"product_id\":\"ADA-TEST\",\"time_us\":1,"
                        + "\"features\":{\"price\":1.0}}";
        try (KafkaProducer<String, String> producer = producer();
                TopicReader predictions =
                        new TopicReader(kafka.bootstrapServers(), Topics.PREDICTIONS);
                TopicReader dlq = new TopicReader(kafka.bootstrapServers(), Topics.DLQ)) {
            producer.send(new ProducerRecord<>(Topics.FEATURES, "ADA-TEST", "not json")).get();
            producer.send(new ProducerRecord<>(Topics.FEATURES, "ADA-TEST", unknownFeature)).get();
            producer.send(
                            new ProducerRecord<>(
                                    Topics.FEATURES,
                                    "ADA-TEST",
                                    FeatureRowCodec.encode(
                                            "ADA-TEST", 2_000_000L, TestBundles.row(7))))
                    .get();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> of(predictions.poll(), "ADA-TEST").size() == 1);
            assertThat(PredictionCodec.decode(of(predictions.poll(), "ADA-TEST").get(0).value()))
                    .extracting(Prediction::timeMicros)
                    .isEqualTo(2_000_000L);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> {
                                List<ConsumerRecord<String, String>> dead =
                                        of(dlq.poll(), "ADA-TEST");
                                assertThat(dead).hasSize(2);
                                assertThat(dead.get(0).value()).isEqualTo("not json");
                                assertThat(reason(dead.get(0))).startsWith("malformed_json");
                                assertThat(dead.get(1).value()).isEqualTo(unknownFeature);
                                assertThat(reason(dead.get(1))).isEqualTo("unknown_feature: price");
                            });
        }
        assertThat(given().get("/metrics").asString())
                .contains("cvd_events_rejected_total{reason=\"malformed_json\",stage=\"scoring\"}")
                .contains(
                        "cvd_events_rejected_total{reason=\"unknown_feature\",stage=\"scoring\"}");
    }

    private static List<ConsumerRecord<String, String>> of(
            List<ConsumerRecord<String, String>> records, String key) {
        return records.stream().filter(r -> key.equals(r.key())).toList();
    }

    private static String reason(ConsumerRecord<String, String> r) {
        Header h = r.headers().lastHeader(Topics.DLQ_REASON_HEADER);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer());
    }
}

package dev.cvd.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvd.features.FeatureContract;
import dev.cvd.features.FeatureRowCodec;
import dev.cvd.kafka.EmbeddedKafkaResource;
import dev.cvd.kafka.KafkaPlatform;
import dev.cvd.market.Topics;
import dev.cvd.scoring.ModelBundle;
import dev.cvd.scoring.stage.TestBundles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The model lifecycle in one running service: no model at start, a bundle appearing, a new version
 * replacing it, a broken bundle refused while the previous model serves on, and the admin reload.
 */
@QuarkusTest
@TestProfile(ReloadTestProfile.class)
@WithTestResource(EmbeddedKafkaResource.class)
class ModelReloadTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RELOAD = Duration.ofSeconds(20);

    @Inject KafkaPlatform kafka;

    @Test
    void theModelIsLoadedReplacedAndABrokenBundleLeavesTheOldOneServing() throws Exception {
        Path dir = ReloadTestProfile.bundle();
        double[] row = TestBundles.row(5);
        String body =
                "{\"features\": " + JSON.writeValueAsString(PredictResourceTest.object(row)) + "}";

        // No bundle folder at start: the service runs, says why it has no model, skips the stream.
        Response none = given().contentType("application/json").body(body).post("/predict");
        assertThat(none.statusCode()).isEqualTo(503);
        assertThat(none.header("Retry-After")).isEqualTo("1");
        assertThat(JSON.readTree(none.asString()).get("error").asText())
                .isEqualTo("no model is serving: model bundle folder not found: " + dir);
        given().get("/health/ready")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'model' }.status", equalTo("DOWN"))
                .body(
                        "checks.find { it.name == 'model' }.data.reason",
                        equalTo("model bundle folder not found: " + dir));
        given().get("/version")
                .then()
                .statusCode(200)
                .body("model_error", equalTo("model bundle folder not found: " + dir));
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(
                            new ProducerRecord<>(
                                    Topics.FEATURES,
                                    "BTC-TEST",
                                    FeatureRowCodec.encode("BTC-TEST", 1L, row)))
                    .get();
        }
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                given().get("/metrics")
                                        .asString()
                                        .contains(
                                                "cvd_events_skipped_total{reason=\"no_model\","
                                                        + "stage=\"scoring\"} 1.0"));

        // A bundle appears: it is loaded by the poller.
        TestBundles.write(dir, "1", 1);
        awaitVersion("1");
        assertThat(probability(body)).isEqualTo(expected(dir, row));

        // A new version replaces it.
        TestBundles.write(dir, "2", 2);
        awaitVersion("2");
        double v2 = expected(dir, row);
        assertThat(probability(body)).isEqualTo(v2);

        // A broken bundle is refused: version 2 serves on and health says why.
        TestBundles.writeTruncated(dir, "3");
        await().atMost(RELOAD)
                .until(
                        () ->
                                given().get("/health/ready")
                                                .jsonPath()
                                                .getString(
                                                        "checks.find { it.name == 'model' }"
                                                                + ".data.last_reload_failure")
                                        != null);
        given().get("/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'model' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'model' }.data.version", equalTo("2"))
                .body(
                        "checks.find { it.name == 'model' }.data.last_reload_failure",
                        startsWith("model.json: "));
        assertThat(probability(body)).isEqualTo(v2);
        given().get("/version").then().body("model.version", equalTo("2"));

        // The admin reload says the same.
        given().header("Authorization", "Bearer " + ReloadTestProfile.ADMIN_TOKEN)
                .post("/admin/model/reload")
                .then()
                .statusCode(409)
                .body("result", equalTo("refused"))
                .body("status", equalTo(409))
                .body("error", startsWith("model bundle refused: model.json: "))
                .body(
                        "error",
                        org.hamcrest.Matchers.endsWith("; model cvd-test version 2 keeps serving"))
                .body("model_version", equalTo("2"));
        String metrics = given().get("/metrics").asString();
        assertThat(metrics)
                .contains("cvd_model_info{contract=\"1\",name=\"cvd-test\",version=\"2\"} 1.0")
                .doesNotContain("cvd_model_info{contract=\"1\",name=\"cvd-test\",version=\"1\"}")
                .contains("cvd_model_reloads_total{result=\"failure\",trigger=\"admin\"} 1.0")
                .containsPattern(
                        "cvd_model_reloads_total\\{result=\"failure\",trigger=\"poll\"} [1-9]");

        // Fixed: the admin reload loads it (or the poller got there first) and the failure clears.
        TestBundles.write(dir, "4", 4);
        given().header("Authorization", "Bearer " + ReloadTestProfile.ADMIN_TOKEN)
                .post("/admin/model/reload")
                .then()
                .statusCode(200)
                .body("result", equalTo("loaded"))
                .body("model_version", equalTo("4"));
        assertThat(probability(body)).isEqualTo(expected(dir, row));
        JsonNode health = JSON.readTree(given().get("/health/ready").asString());
        for (JsonNode check : health.get("checks")) {
            if (check.get("name").asText().equals("model")) {
                assertThat(check.get("data").has("last_reload_failure")).isFalse();
            }
        }
    }

    private static void awaitVersion(String version) {
        await().atMost(RELOAD)
                .until(
                        () ->
                                version.equals(
                                        given().get("/version").jsonPath().get("model.version")));
    }

    private static double probability(String body) throws Exception {
        Response r = given().contentType("application/json").body(body).post("/predict");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return JSON.readTree(r.asString()).get("probability").asDouble();
    }

    private static double expected(Path dir, double[] row) throws Exception {
        try (ModelBundle b = ModelBundle.load(dir)) {
            return b.probabilityOfContractRow(row, new double[FeatureContract.SIZE]);
        }
    }

    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer());
    }
}

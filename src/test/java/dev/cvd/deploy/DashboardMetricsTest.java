package dev.cvd.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cvd.kafka.EmbeddedKafkaResource;
import dev.cvd.market.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Every metric the Grafana dashboard queries is one that {@code GET /metrics} really exposes, once
 * the service has seen an event on ticks.raw and answered one {@code POST /predict}: the dashboard
 * cannot drift from the code without this test failing.
 */
@QuarkusTest
@TestProfile(DashboardMetricsTest.Profile.class)
@WithTestResource(EmbeddedKafkaResource.class)
class DashboardMetricsTest {

    /** Its own application and broker: the quote sent here must not reach other tests' topics. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "cvd.scoring.model-dir", "models/cvd-spike-v1", "quarkus.http.test-port", "0");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void everyDashboardMetricIsInTheScrape() throws Exception {
        Set<String> wanted = DashboardQueries.metricNames(DashboardQueries.DASHBOARD);
        assertThat(wanted).hasSizeGreaterThanOrEqualTo(6);

        sendQuote("SOL-USD");
        given().contentType("application/json")
                .body("{\"features\": {\"rv_60s\": 0.0004, \"spread_bps\": 0.2}}")
                .when()
                .post("/predict")
                .then()
                .statusCode(200);

        Set<String> missing = new TreeSet<>(wanted);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            String scrape =
                                    given().get("/metrics")
                                            .then()
                                            .statusCode(200)
                                            .extract()
                                            .asString();
                            missing.clear();
                            missing.addAll(wanted);
                            missing.removeAll(DashboardQueries.sampleNames(scrape));
                            assertThat(missing)
                                    .as("dashboard metrics missing from /metrics")
                                    .isEmpty();
                        });
        String scrape = given().get("/metrics").then().extract().asString();
        assertThat(scrape).contains("cvd_last_event_age_seconds{product=\"SOL-USD\"");
        assertThat(scrape)
                .containsPattern("cvd_predictions_total\\{[^}]*source=\"api\"[^}]*} 1\\.0");
    }

    private void sendQuote(String product) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        String quote =
                "{\"v\":1,\"type\":\"quote\",\"product_id\":\""
                        + product
                        + "\",\"time_us\":1764607486000000,"
                        + "\"bid\":140.10,\"bid_qty\":2.0,\"ask\":140.12,\"ask_qty\":1.0}";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(Topics.RAW, product, quote)).get();
        }
    }
}

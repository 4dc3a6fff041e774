package dev.cvd.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The packaged application (the fast-jar, or the native executable under {@code -Pnative}) runs
 * {@code cvd serve}: healthy, scoring with the bundled model, and moving the bundled recording
 * through Kafka.
 */
@QuarkusIntegrationTest
@WithTestResource(ServiceBrokerResource.class)
class ServiceIT {

    @Test
    void healthIsUpWithEveryComponent() {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> given().get("/health").then().statusCode(200));
        JsonPath health = given().get("/health").then().statusCode(200).extract().jsonPath();
        assertThat(health.getString("status")).isEqualTo("UP");
        assertThat(health.getList("checks.name")).contains("broker", "model");
    }

    @Test
    void predictScoresARowWithTheBundledModel() {
        JsonPath answer =
                given().contentType("application/json")
                        .body("{\"features\": {\"rv_60s\": 0.0004, \"spread_bps\": 0.2}}")
                        .when()
                        .post("/predict")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
        double probability = answer.getDouble("probability");
        double threshold = answer.getDouble("threshold");
        assertThat(probability).isBetween(0.0, 1.0);
        assertThat(answer.getInt("prediction")).isEqualTo(probability >= threshold ? 1 : 0);
        assertThat(answer.getBoolean("alert")).isEqualTo(probability >= threshold);
        assertThat(answer.getString("model_name")).isEqualTo("cvd-spike-v1");

        given().contentType("application/json")
                .body("{\"features\": {\"no_such_feature\": 1}}")
                .when()
                .post("/predict")
                .then()
                .statusCode(400);
    }

    @Test
    void theBundledRecordingFlowsThroughThePipeline() {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(
                        () ->
                                assertThat(given().get("/metrics").then().extract().asString())
                                        .containsPattern(
                                                "cvd_predictions_total\\{[^}]*source=\"stream\"[^}]*}"
                                                        + " [1-9]"));
    }
}

package dev.cvd.registry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvd.features.FeatureContract;
import dev.cvd.kafka.EmbeddedKafkaResource;
import dev.cvd.scoring.stage.TestBundles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A service serving {@code models:/cvd-serve@champion} from a real MLflow server: the champion at
 * start, the new version once the alias moves, the cached model with degraded health while MLflow
 * is away, and swaps again once it is back.
 */
@QuarkusTest
@TestProfile(RegistryServingProfile.class)
@WithTestResource(EmbeddedKafkaResource.class)
class RegistryServingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void theChampionServesSwapsWhenTheAliasMovesAndSurvivesMlflowGoingAway() throws Exception {
        MlflowServer server = MlflowServer.shared();
        MlflowClient client = server.client();
        String model = RegistryServingProfile.MODEL;

        await().atMost(WAIT).until(() -> "1".equals(servedVersion()));
        JsonNode health = modelHealth();
        assertThat(health.path("status").asText()).isEqualTo("UP");
        assertThat(health.path("data").path("source").asText())
                .isEqualTo(RegistryServingProfile.URI);
        assertThat(health.path("data").path("source_version").asText()).isEqualTo("1");
        assertThat(health.path("data").path("state").asText()).isEqualTo("serving");
        assertThat(health.path("data").path("directory").asText()).endsWith("/cvd-serve/1");

        // A better version: the champion rule moves the alias and the service follows.
        ModelRegistrar.Outcome v2 = RegistryFixtures.register(client, model, "2", 22, 0.40, false);
        assertThat(v2.promoted()).isTrue();
        await().atMost(WAIT).until(() -> "2".equals(servedVersion()));

        try {
            server.stop();
            await().atMost(WAIT)
                    .until(
                            () ->
                                    "degraded"
                                            .equals(
                                                    modelHealth()
                                                            .path("data")
                                                            .path("state")
                                                            .asText()));
            JsonNode down = modelHealth();
            assertThat(down.path("status").asText()).isEqualTo("UP");
            assertThat(down.path("data").path("degraded").asText())
                    .startsWith(
                            "model registry unreachable, serving cached version 2 of "
                                    + RegistryServingProfile.URI);
            assertThat(servedVersion()).isEqualTo("2");
        } finally {
            server.start();
        }
        await().atMost(WAIT)
                .until(() -> "serving".equals(modelHealth().path("data").path("state").asText()));

        ModelRegistrar.Outcome v3 = RegistryFixtures.register(client, model, "3", 23, 0.10, true);
        assertThat(v3.promoted()).isTrue();
        await().atMost(WAIT).until(() -> "3".equals(servedVersion()));
        assertThat(modelHealth().path("data").path("source_version").asText()).isEqualTo("3");
    }

    /** The model_version of a /predict answer, or null while none serves. */
    private static String servedVersion() throws Exception {
        double[] row = TestBundles.row(5);
        Map<String, Object> features = new LinkedHashMap<>();
        for (int i = 0; i < row.length; i++) {
            if (!Double.isNaN(row[i])) {
                features.put(FeatureContract.NAMES.get(i), row[i]);
            }
        }
        var r =
                given().contentType("application/json")
                        .body(JSON.writeValueAsString(Map.of("features", features)))
                        .post("/predict");
        if (r.statusCode() != 200) {
            return null;
        }
        return JSON.readTree(r.asString()).path("model_version").asText();
    }

    private static JsonNode modelHealth() throws Exception {
        JsonNode checks = JSON.readTree(given().get("/health/ready").asString()).path("checks");
        for (JsonNode c : checks) {
            if (c.path("name").asText().equals("model")) {
                return c;
            }
        }
        throw new AssertionError("no model check in " + checks);
    }
}

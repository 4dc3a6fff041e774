package dev.cvd.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvd.features.FeatureContract;
import dev.cvd.kafka.EmbeddedKafkaResource;
import dev.cvd.scoring.ModelBundle;
import dev.cvd.scoring.stage.TestBundles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** POST /predict, GET /predict/latest, GET /version, the admin endpoint, health and metrics. */
@QuarkusTest
@TestProfile(ApiTestProfile.class)
@WithTestResource(EmbeddedKafkaResource.class)
class PredictResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static ModelBundle bundle;

    @BeforeAll
    static void loadBundle() throws Exception {
        bundle = ModelBundle.load(ApiTestProfile.bundle());
    }

    @AfterAll
    static void closeBundle() {
        bundle.close();
    }

    @Test
    void oneRowIsScoredWithTheBundlesProbability() throws Exception {
        double[] row = TestBundles.row(11);
        JsonNode answer = post("{\"features\": " + JSON.writeValueAsString(object(row)) + "}", 200);
        double expected = expected(row);
        assertThat(answer.get("probability").asDouble()).isEqualTo(expected);
        assertThat(answer.get("prediction").asInt()).isEqualTo(expected >= 0.3 ? 1 : 0);
        assertThat(answer.get("alert").asBoolean()).isEqualTo(expected >= 0.3);
        assertThat(answer.get("threshold").asDouble()).isEqualTo(TestBundles.THRESHOLD);
        assertThat(answer.get("model_version").asText()).isEqualTo("1");
        assertThat(answer.get("model_name").asText()).isEqualTo(TestBundles.NAME);
        assertThat(answer.get("inference_time_ms").asDouble()).isBetween(0.0, 1000.0);
    }

    @Test
    void missingAndNullFeaturesAreMissingValues() throws Exception {
        double[] nan = new double[FeatureContract.SIZE];
        Arrays.fill(nan, Double.NaN);
        double expected = expected(nan);
        assertThat(post("{\"features\": {}}", 200).get("probability").asDouble())
                .isEqualTo(expected);
        assertThat(
                        post("{\"features\": {\"rv_60s\": null, \"obi\": null}}", 200)
                                .get("probability")
                                .asDouble())
                .isEqualTo(expected);
        double[] one = nan.clone();
        one[FeatureContract.indexOf("rv_60s")] = 2.0;
        assertThat(post("{\"features\": {\"rv_60s\": 2}}", 200).get("probability").asDouble())
                .isEqualTo(expected(one));
    }

    @Test
    void aBatchIsScoredRowByRowInOrder() throws Exception {
        double[][] rows = new double[25][];
        StringBuilder body = new StringBuilder("{\"rows\": [");
        for (int i = 0; i < rows.length; i++) {
            rows[i] = TestBundles.row(100 + i);
            body.append(i == 0 ? "" : ",").append(JSON.writeValueAsString(object(rows[i])));
        }
        JsonNode answer = post(body.append("]}").toString(), 200);
        assertThat(answer.get("predictions")).hasSize(rows.length);
        boolean sawSpike = false;
        boolean sawCalm = false;
        for (int i = 0; i < rows.length; i++) {
            JsonNode p = answer.get("predictions").get(i);
            double expected = expected(rows[i]);
            assertThat(p.get("probability").asDouble()).as("row %d", i).isEqualTo(expected);
            assertThat(p.get("prediction").asInt()).isEqualTo(expected >= 0.3 ? 1 : 0);
            assertThat(p.get("alert").asBoolean()).isEqualTo(expected >= 0.3);
            sawSpike |= expected >= 0.3;
            sawCalm |= expected < 0.3;
        }
        assertThat(sawSpike && sawCalm).as("the rows give both outcomes").isTrue();
        assertThat(answer.get("threshold").asDouble()).isEqualTo(TestBundles.THRESHOLD);
        assertThat(answer.get("model_version").asText()).isEqualTo("1");
        assertThat(answer.get("inference_time_ms").asDouble()).isBetween(0.0, 1000.0);
    }

    @Test
    void aBatchOfExactlyMaxBatchRowsIsScored() throws Exception {
        JsonNode answer = post(batchOfEmptyRows(1000), 200);
        assertThat(answer.get("predictions")).hasSize(1000);
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("", 400, "request body is empty"),
                Arguments.of("  \n ", 400, "request body is empty"),
                Arguments.of("{\"features\": {", 400, "request body is not valid JSON"),
                Arguments.of("features=1", 400, "request body is not valid JSON"),
                Arguments.of(
                        "[{\"rv_60s\": 1}]",
                        400,
                        "request body must be a JSON object, not an array: expected"),
                Arguments.of("42", 400, "request body must be a JSON object, not a number"),
                Arguments.of("{}", 400, "request body has neither features nor rows"),
                Arguments.of(
                        "{\"features\": {}, \"rows\": [{}]}",
                        400,
                        "request body has both features and rows"),
                Arguments.of(
                        "{\"rows\": [{}], \"features\": {}}",
                        400,
                        "request body has both features and rows"),
                Arguments.of(
                        "{\"feature\": {\"rv_60s\": 1}}",
                        400,
                        "unknown field 'feature' in the request body"),
                Arguments.of(
                        "{\"features\": {\"rv_60\": 1}}",
                        400,
                        "unknown feature 'rv_60' in features (did you mean 'rv_60s'?); feature"
                                + " contract v1 names are ret_{1,5,30,60}s, rv_{30,60,300}s,"
                                + " quote_rate_{30,60,300}s, spread_bps,"
                                + " spread_mean_{30,60,300}s, obi, obi_mean_{30,60,300}s,"
                                + " trade_rate_{30,60,300}s, trade_volume_{30,60,300}s,"
                                + " trade_imbalance_{30,60,300}s, dt_prev_s (GET /version lists"
                                + " them)"),
                Arguments.of(
                        "{\"features\": {\"price\": 1}}",
                        400,
                        "unknown feature 'price' in features; feature contract v1 names are"),
                Arguments.of(
                        "{\"features\": {\"rv_60s\": \"high\"}}",
                        400,
                        "feature 'rv_60s' in features must be a number or null, not a string"),
                Arguments.of(
                        "{\"features\": {\"obi\": true}}",
                        400,
                        "feature 'obi' in features must be a number or null, not a boolean"),
                Arguments.of(
                        "{\"features\": {\"obi\": [1]}}",
                        400,
                        "feature 'obi' in features must be a number or null, not an array"),
                Arguments.of(
                        "{\"features\": {\"rv_60s\": 1e999}}",
                        400,
                        "feature 'rv_60s' in features is out of the range of a double"),
                Arguments.of(
                        "{\"features\": {\"obi\": 1, \"obi\": 2}}",
                        400,
                        "request body is not valid JSON: Duplicate field 'obi'"),
                Arguments.of(
                        "{\"features\": [1, 2]}",
                        400,
                        "features must be an object of feature names to numbers or null, not"
                                + " an array"),
                Arguments.of(
                        "{\"features\": null}",
                        400,
                        "features must be an object of feature names to numbers or null, not"
                                + " null"),
                Arguments.of(
                        "{\"rows\": {\"rv_60s\": 1}}",
                        400,
                        "rows must be an array of feature objects, not an object"),
                Arguments.of("{\"rows\": []}", 400, "rows is empty"),
                Arguments.of(
                        "{\"rows\": [{}, 3]}",
                        400,
                        "rows[1] must be an object of feature names to numbers or null, not a"
                                + " number"),
                Arguments.of(
                        "{\"rows\": [{}, {\"obi\": \"x\"}]}",
                        400,
                        "feature 'obi' in rows[1] must be a number or null, not a string"),
                Arguments.of(
                        "{\"rows\": [{\"ret_1\": 0}]}",
                        400,
                        "unknown feature 'ret_1' in rows[0] (did you mean 'ret_1s'?)"),
                Arguments.of(
                        "{\"features\": {}} {}",
                        400,
                        "request body has content after its JSON object"),
                Arguments.of(
                        batchOfEmptyRows(1001),
                        413,
                        "batch of 1001 rows is over the limit of 1000 rows per request"
                                + " (cvd.scoring.max-batch): split it"));
    }

    @ParameterizedTest
    @MethodSource("badBodies")
    void aBadBodyIsRefusedWithAnErrorThatNamesTheProblem(String body, int status, String message)
            throws Exception {
        JsonNode error = post(body, status);
        assertThat(error.get("error").asText()).startsWith(message);
        assertThat(error.get("status").asInt()).isEqualTo(status);
        assertThat(error.size()).isEqualTo(2);
    }

    @Test
    void aBodyOverTheSizeLimitIs413() throws Exception {
        String filler = " ".repeat(2 * 1024 * 1024 + 1);
        Response r =
                given().contentType("application/json")
                        .body("{\"features\": {}}" + filler)
                        .post("/predict");
        assertThat(r.statusCode()).isEqualTo(413);
        JsonNode error = JSON.readTree(r.asString());
        assertThat(error.get("error").asText())
                .isEqualTo(
                        "request body of 2097169 bytes is over the limit of 2097152 bytes"
                                + " (quarkus.http.limits.max-body-size)");
        assertThat(error.get("status").asInt()).isEqualTo(413);
    }

    @Test
    void aBodyThatIsNotJsonContentIs415() throws Exception {
        Response r = given().contentType("text/plain").body("{\"features\": {}}").post("/predict");
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode error = JSON.readTree(r.asString());
        assertThat(error.get("error").asText())
                .startsWith("Content-Type 'text/plain")
                .endsWith(
                        "is not supported: send the body as JSON with Content-Type:"
                                + " application/json");
        assertThat(error.get("status").asInt()).isEqualTo(415);
    }

    @Test
    void otherFrameworkRefusalsAreJsonErrorsToo() throws Exception {
        Response get = given().get("/predict");
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(JSON.readTree(get.asString()).get("error").asText())
                .startsWith("method not allowed on /predict");
        Response accept =
                given().contentType("application/json")
                        .accept("text/csv")
                        .body("{\"features\": {}}")
                        .post("/predict");
        assertThat(accept.statusCode()).isEqualTo(406);
        assertThat(JSON.readTree(accept.asString()).get("error").asText())
                .isEqualTo("this resource answers application/json only: accept application/json");
    }

    @Test
    void latestOfAProductWithoutPredictionsIs404() throws Exception {
        Response r = given().queryParam("product", "NOPE-USD").get("/predict/latest");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(r.asString()).get("error").asText())
                .startsWith("no prediction for product 'NOPE-USD' yet");
        given().queryParam("product", " ")
                .get("/predict/latest")
                .then()
                .statusCode(400)
                .body("error", equalTo("product is empty: give a product id, e.g. BTC-USD"));
    }

    @Test
    void versionNamesTheApplicationTheContractAndTheModel() {
        given().get("/version")
                .then()
                .statusCode(200)
                .body("application", equalTo("cvd"))
                .body("version", not(equalTo("unknown")))
                .body("contract.version", equalTo(1))
                .body("contract.features.size()", equalTo(FeatureContract.SIZE))
                .body("model.name", equalTo(TestBundles.NAME))
                .body("model.version", equalTo("1"))
                .body("model.contract_version", equalTo(1))
                .body("model.features", equalTo(TestBundles.FEATURES))
                .body("model.tau", equalTo(3.0e-4f))
                .body("model.threshold", equalTo(0.3f))
                .body("model.horizon_s", equalTo(60))
                .body("model.train_start", equalTo("2025-12-01T16:44:46Z"))
                .body("model.train_end", equalTo("2025-12-01T18:44:46Z"));
    }

    @Test
    void theAdminReloadNeedsTheBearerToken() {
        given().post("/admin/model/reload")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", "Bearer realm=\"cvd-admin\"")
                .body("error", equalTo("missing Authorization: Bearer <token> header"))
                .body("status", equalTo(401));
        given().header("Authorization", "Basic YWRtaW46YWRtaW4=")
                .post("/admin/model/reload")
                .then()
                .statusCode(401)
                .body("error", equalTo("the Authorization header must be Bearer <token>"));
        given().header("Authorization", "Bearer not-the-token")
                .post("/admin/model/reload")
                .then()
                .statusCode(401)
                .body("error", equalTo("wrong admin token"));
        given().header("Authorization", "Bearer " + ApiTestProfile.ADMIN_TOKEN)
                .post("/admin/model/reload")
                .then()
                .statusCode(200)
                .body("result", equalTo("loaded"))
                .body("model_name", equalTo(TestBundles.NAME))
                .body("model_version", equalTo("1"))
                .body("previous_version", equalTo("1"));
    }

    @Test
    void healthShowsTheModelAndMetricsCountPredictions() throws Exception {
        post("{\"features\": {}}", 200);
        RestAssured.get("/health/ready")
                .then()
                .statusCode(200)
                .body("checks.name", hasItem("model"))
                .body("checks.find { it.name == 'model' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'model' }.data.name", equalTo(TestBundles.NAME))
                .body("checks.find { it.name == 'model' }.data.version", equalTo("1"));
        String metrics = RestAssured.get("/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .containsPattern("cvd_predictions_total\\{outcome=\"(calm|spike)\",source=\"api\"}")
                .contains("cvd_predictions_total{outcome=\"spike\",source=\"stream\"}")
                .contains("cvd_predict_latency_seconds_bucket{kind=\"single\"")
                .contains("cvd_model_info{contract=\"1\",name=\"cvd-test\",version=\"1\"} 1.0")
                .contains("cvd_model_reloads_total{result=\"success\",trigger=\"startup\"} 1.0");
    }

    @Test
    void theOpenApiDocumentDescribesTheEndpoints() {
        given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/predict"))
                .body("paths", org.hamcrest.Matchers.hasKey("/predict/latest"))
                .body("paths", org.hamcrest.Matchers.hasKey("/version"))
                .body("paths", org.hamcrest.Matchers.hasKey("/admin/model/reload"));
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }

    // ---- helpers ----

    private static double expected(double[] contractRow) {
        return bundle.probabilityOfContractRow(contractRow, new double[FeatureContract.SIZE]);
    }

    /** A contract row as a request's feature object: NaN as null. */
    static Map<String, Double> object(double[] row) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < row.length; i++) {
            m.put(FeatureContract.NAMES.get(i), Double.isNaN(row[i]) ? null : row[i]);
        }
        return m;
    }

    private static String batchOfEmptyRows(int n) {
        return "{\"rows\": [" + String.join(",", java.util.Collections.nCopies(n, "{}")) + "]}";
    }

    private static JsonNode post(String body, int status) throws Exception {
        Response r = given().contentType("application/json").body(body).post("/predict");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.asString()).doesNotContain("Exception").doesNotContain("at dev.cvd");
        return JSON.readTree(r.asString());
    }
}

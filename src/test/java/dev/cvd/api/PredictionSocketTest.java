package dev.cvd.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvd.features.FeatureContract;
import dev.cvd.features.FeatureEngine;
import dev.cvd.kafka.EmbeddedKafkaResource;
import dev.cvd.kafka.KafkaPlatform;
import dev.cvd.market.Quote;
import dev.cvd.market.RawEventCodec;
import dev.cvd.market.Topics;
import dev.cvd.scoring.ModelBundle;
import dev.cvd.scoring.stage.TestBundles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code /ws/predictions} as a program uses it, through the real pipeline: raw quotes onto
 * ticks.raw, the features stage, the scoring stage, the socket; a plain {@code java.net.http}
 * client on the other end.
 */
@QuarkusTest
@TestProfile(ApiTestProfile.class)
@WithTestResource(EmbeddedKafkaResource.class)
class PredictionSocketTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1764607486123456L;

    @Inject KafkaPlatform kafka;

    @TestHTTPResource("/ws/predictions")
    URL socket;

    @Test
    void aClientGetsEachPredictionOfItsProductsWithPriceAndFeaturesAndALateClientGetsTheLatest()
            throws Exception {
        List<Quote> xlm = new ArrayList<>();
        List<Quote> dot = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            double bid = 0.2513 + i * 0.0007;
            xlm.add(new Quote("XLM-LIVE", T0 + i * 1_000_000L, bid, 2.0, bid + 0.0002, 1.0));
        }
        for (int i = 0; i < 3; i++) {
            double bid = 4.125 + i * 0.013;
            dot.add(new Quote("DOT-LIVE", T0 + i * 2_500_000L, bid, 10.0, bid + 0.001, 30.0));
        }
        List<Expected> expectedXlm = expected(xlm);
        List<Expected> expectedDot = expected(dot);

        try (Client onlyXlm = Client.connect(uri("?product=XLM-LIVE"));
                Client all = Client.connect(uri(""));
                KafkaProducer<String, String> producer = producer()) {
            // What a client says is ignored; its stream goes on.
            onlyXlm.ws.sendText("{\"hello\":1}", true).get(10, TimeUnit.SECONDS);
            for (Quote q : xlm) {
                producer.send(
                                new ProducerRecord<>(
                                        Topics.RAW, q.productId(), RawEventCodec.encode(q)))
                        .get();
            }
            for (Quote q : dot) {
                producer.send(
                                new ProducerRecord<>(
                                        Topics.RAW, q.productId(), RawEventCodec.encode(q)))
                        .get();
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    all.of("XLM-LIVE").size() == xlm.size()
                                            && all.of("DOT-LIVE").size() == dot.size()
                                            && onlyXlm.of("XLM-LIVE").size() == xlm.size());

            assertMessages(onlyXlm.of("XLM-LIVE"), expectedXlm);
            assertMessages(all.of("XLM-LIVE"), expectedXlm);
            assertMessages(all.of("DOT-LIVE"), expectedDot);
            assertThat(onlyXlm.messages)
                    .as("a client that asked for XLM-LIVE only")
                    .allSatisfy(
                            m -> assertThat(m.get("product_id").asText()).isEqualTo("XLM-LIVE"));

            // The last message of a product is what GET /predict/latest answers.
            for (String product : List.of("XLM-LIVE", "DOT-LIVE")) {
                List<JsonNode> got = all.of(product);
                assertSamePrediction(got.get(got.size() - 1), latest(product));
            }

            // A client that connects now gets the latest of each product it asks for at once, in
            // product order, the very messages the others got last.
            try (Client late = Client.connect(uri("?product=XLM-LIVE,DOT-LIVE"))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> late.messages.size() >= 2);
                assertThat(late.messages).hasSize(2);
                assertThat(late.messages.get(0)).isEqualTo(all.of("DOT-LIVE").get(dot.size() - 1));
                assertThat(late.messages.get(1)).isEqualTo(all.of("XLM-LIVE").get(xlm.size() - 1));
            }
        }
        assertThat(RestAssured.get("/metrics").asString())
                .containsPattern("cvd_live_messages_sent_total [1-9]")
                .contains("cvd_live_connections");
    }

    /** One prediction as the offline engine and the test bundle make it. */
    private record Expected(
            long timeMicros, double probability, double mid, Map<String, Double> features) {}

    private static List<Expected> expected(List<Quote> quotes) throws Exception {
        List<Expected> out = new ArrayList<>();
        FeatureEngine engine = new FeatureEngine();
        try (ModelBundle bundle = ModelBundle.load(ApiTestProfile.bundle())) {
            double[] scratch = new double[FeatureContract.SIZE];
            for (Quote q : quotes) {
                engine.onQuote(
                        q.productId(),
                        q.timeMicros(),
                        q.bid(),
                        q.bidQty(),
                        q.ask(),
                        q.askQty(),
                        (p, t, v) -> {
                            Map<String, Double> f = new HashMap<>();
                            for (String name :
                                    List.of("ret_60s", "rv_60s", "rv_300s", "spread_bps", "obi")) {
                                f.put(name, v[FeatureContract.indexOf(name)]);
                            }
                            out.add(
                                    new Expected(
                                            t,
                                            bundle.probabilityOfContractRow(v, scratch),
                                            (q.bid() + q.ask()) / 2,
                                            f));
                        });
            }
        }
        assertThat(out).hasSize(quotes.size());
        return out;
    }

    private static void assertMessages(List<JsonNode> got, List<Expected> expected) {
        assertThat(got).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode m = got.get(i);
            Expected e = expected.get(i);
            assertThat(fieldNames(m))
                    .containsExactly(
                            "v",
                            "product_id",
                            "time_us",
                            "time",
                            "probability",
                            "prediction",
                            "alert",
                            "threshold",
                            "model_version",
                            "model_name",
                            "mid",
                            "features");
            assertThat(m.get("v").asInt()).isEqualTo(1);
            assertThat(m.get("time_us").asLong()).as("message %d", i).isEqualTo(e.timeMicros());
            assertThat(m.get("probability").asDouble()).isEqualTo(e.probability());
            boolean spike = e.probability() >= TestBundles.THRESHOLD;
            assertThat(m.get("prediction").asInt()).isEqualTo(spike ? 1 : 0);
            assertThat(m.get("alert").asBoolean()).isEqualTo(spike);
            assertThat(m.get("threshold").asDouble()).isEqualTo(TestBundles.THRESHOLD);
            assertThat(m.get("model_version").asText()).isEqualTo("1");
            assertThat(m.get("model_name").asText()).isEqualTo(TestBundles.NAME);
            assertThat(m.get("mid").asDouble()).isEqualTo(e.mid());
            assertThat(fieldNames(m.get("features")))
                    .containsExactly("ret_60s", "rv_60s", "rv_300s", "spread_bps", "obi");
            e.features()
                    .forEach(
                            (name, value) -> {
                                JsonNode v = m.get("features").get(name);
                                if (Double.isNaN(value)) {
                                    assertThat(v.isNull()).as("%s is null", name).isTrue();
                                } else {
                                    assertThat(v.asDouble()).as(name).isEqualTo(value);
                                }
                            });
        }
    }

    private static void assertSamePrediction(JsonNode message, JsonNode latest) {
        for (String f :
                List.of(
                        "product_id",
                        "time_us",
                        "time",
                        "probability",
                        "prediction",
                        "threshold",
                        "model_version",
                        "model_name")) {
            assertThat(message.get(f)).as(f).isEqualTo(latest.get(f));
        }
    }

    private static JsonNode latest(String product) throws Exception {
        return JSON.readTree(
                RestAssured.given()
                        .queryParam("product", product)
                        .get("/predict/latest")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private URI uri(String query) {
        return URI.create(socket.toString().replaceFirst("^http", "ws") + query);
    }

    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer());
    }

    /** A WebSocket client that keeps every message it receives, parsed. */
    private static final class Client implements WebSocket.Listener, AutoCloseable {

        final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket ws;

        static Client connect(URI uri) throws Exception {
            Client c = new Client();
            c.ws =
                    HttpClient.newHttpClient()
                            .newWebSocketBuilder()
                            .buildAsync(uri, c)
                            .get(10, TimeUnit.SECONDS);
            return c;
        }

        List<JsonNode> of(String product) {
            return messages.stream()
                    .filter(m -> product.equals(m.path("product_id").asText()))
                    .toList();
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    messages.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException("not JSON: " + partial, e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }
}

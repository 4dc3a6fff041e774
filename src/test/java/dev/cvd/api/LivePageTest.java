package dev.cvd.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvd.features.FeatureContract;
import dev.cvd.features.FeatureEngine;
import dev.cvd.ingest.RecordingEvents;
import dev.cvd.ingest.stage.ReplayService;
import dev.cvd.kafka.EmbeddedKafkaResource;
import dev.cvd.market.MarketEvent;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The live page in a real browser while a real recording is replayed through the whole pipeline:
 * {@code src/test/browser/live-page.mjs} drives headless Chromium (Debian's {@code chromium},
 * through the npm package playwright-core) and reports what the page showed; this test starts the
 * replay once the page is connected and judges the report against the service and an offline run of
 * the same recording. The screenshot is kept as {@code live-page.png} in the build folder.
 *
 * <p>Needs {@code node}, {@code /usr/bin/chromium} (or {@code CVD_CHROMIUM}) and {@code npm ci} run
 * in {@code src/test/browser}; {@code bash .ci/run} installs the last two when missing. Without
 * them the test fails and says how to install them.
 */
@QuarkusTest
@TestProfile(LivePageTest.Profile.class)
@WithTestResource(EmbeddedKafkaResource.class)
class LivePageTest {

    private static final Logger LOG = Logger.getLogger(LivePageTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path RECORDING =
            Path.of("replay/ticks_BTCUSD_20251201_164446_10min.ndjson.gz");
    private static final Path BROWSER = Path.of("src/test/browser");
    private static final String PRODUCT = "BTC-USD";

    /** The bundled model; no feature store (this test is about the page). */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "cvd.scoring.model-dir", "models/cvd-spike-v1",
                    "cvd.scoring.reload-interval", "PT1H",
                    "cvd.features.store.enabled", "false");
        }
    }

    @Inject ReplayService replay;
    @Inject OpenConnections connections;

    @TestHTTPResource("/")
    URL page;

    @Test
    void thePageShowsAReplaysPredictionsAsTheyComeAndReconnectsByItself() throws Exception {
        Path node = requireBrowserTools();
        Path screenshot = buildDir().resolve("live-page.png");
        Path log = buildDir().resolve("live-page-browser.log");
        Files.createDirectories(screenshot.getParent());
        Files.deleteIfExists(screenshot);
        LastRow expected = lastRow(RECORDING);

        Process browser =
                new ProcessBuilder(
                                node.toString(),
                                BROWSER.resolve("live-page.mjs").toString(),
                                page.toString(),
                                screenshot.toAbsolutePath().toString())
                        .redirectError(log.toFile())
                        .start();
        long started = System.nanoTime();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> readLines(browser, lines), "live-page-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            JsonNode ready = next(lines, 60, log);
            assertThat(ready.path("event").asText()).as(describe(ready, log)).isEqualTo("ready");

            // Forty times the recording's speed: its ten minutes in fifteen seconds.
            replay.start(List.of(RECORDING), 40, false);

            JsonNode cut = next(lines, 60, log);
            assertThat(cut.path("event").asText()).as(describe(cut, log)).isEqualTo("cut");
            assertThat(connections.listAll()).hasSize(1);
            for (WebSocketConnection c : connections.listAll()) {
                c.close(new CloseReason(1001, "the test closes the connection"))
                        .await()
                        .atMost(Duration.ofSeconds(10));
            }

            JsonNode result = next(lines, 120, log);
            assertThat(result.path("event").asText()).as(describe(result, log)).isEqualTo("result");
            Files.writeString(buildDir().resolve("live-page-report.json"), result.toPrettyString());
            assertThat(browser.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(browser.exitValue()).as(describe(result, log)).isZero();
            List<String> metrics =
                    RestAssured.get("/metrics")
                            .asString()
                            .lines()
                            .filter(l -> l.startsWith("cvd_live_"))
                            .toList();
            LOG.infof(
                    "live page test: browser run %d ms, test %d ms; %s",
                    result.path("elapsedMs").asLong(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    metrics);

            assertThat(result.path("errors")).as("console errors").isEmpty();
            assertThat(result.path("httpStatus").asInt()).isEqualTo(200);
            assertThat(result.path("title").asText()).startsWith("cvd");

            // The values change while the replay runs.
            JsonNode first = result.path("first");
            JsonNode second = result.path("second");
            assertThat(first.path("product").asText()).isEqualTo(PRODUCT);
            assertThat(first.path("cards").asInt()).isEqualTo(1);
            assertThat(first.path("price").asText()).matches("\\d{2},\\d{3}\\.\\d{2}");
            assertThat(first.path("probability").asText()).matches("\\d+\\.\\d{2} %");
            assertThat(second.path("time").asText()).isNotEqualTo(first.path("time").asText());
            assertThat(List.of(second.path("price").asText(), second.path("probability").asText()))
                    .as("price and probability, read 1.5 s apart")
                    .isNotEqualTo(
                            List.of(
                                    first.path("price").asText(),
                                    first.path("probability").asText()));
            assertThat(second.path("points").asInt()).isGreaterThan(first.path("points").asInt());

            // Closed from the server's side, the page says so and connects again by itself.
            JsonNode reconnect = result.path("reconnect");
            assertThat(reconnect.path("down").asText()).startsWith("disconnected");
            assertThat(reconnect.path("sockets").asInt()).isEqualTo(2);

            // Once the replay is over, the page shows the service's latest prediction and the
            // price and features of the recording's last quote.
            assertThat(replay.state()).isEqualTo(ReplayService.State.FINISHED);
            JsonNode latest =
                    JSON.readTree(
                            RestAssured.given()
                                    .queryParam("product", PRODUCT)
                                    .get("/predict/latest")
                                    .then()
                                    .statusCode(200)
                                    .extract()
                                    .asString());
            assertThat(latest.path("time_us").asLong()).isEqualTo(expected.timeMicros());
            JsonNode last = result.path("final");
            assertThat(last.path("status").asText()).isEqualTo("live");
            assertThat(last.path("time").asText())
                    .isEqualTo(latest.path("time").asText().substring(11, 23));
            assertThat(last.path("date").asText())
                    .isEqualTo(latest.path("time").asText().substring(0, 10));
            assertThat(number(last.path("probability").asText()) / 100)
                    .isCloseTo(latest.path("probability").asDouble(), offset(0.00005 + 1e-12));
            assertThat(number(last.path("threshold").asText()) / 100)
                    .isCloseTo(latest.path("threshold").asDouble(), offset(0.00005 + 1e-12));
            boolean alert = latest.path("prediction").asInt() == 1;
            assertThat(last.path("alert").asBoolean()).isEqualTo(alert);
            assertThat(last.path("badge").asText()).isEqualTo(alert ? "spike alert" : "calm");
            assertThat(last.path("model").asText())
                    .isEqualTo(
                            "model "
                                    + latest.path("model_name").asText()
                                    + " v"
                                    + latest.path("model_version").asText());
            assertThat(number(last.path("price").asText()))
                    .isCloseTo(expected.mid(), offset(0.005 + 1e-9));
            assertThat(number(last.path("features").path("rv_60s").asText()))
                    .isCloseTo(expected.rv60() * 1e4, offset(0.005 + 1e-9));
            // The page drew a point for every message the service wrote to it (the recording
            // spans less than the chart's 10 minutes), and the service dropped none: the page
            // missed only the predictions made while it was disconnected.
            int points = last.path("points").asInt();
            assertThat(points).isBetween(expected.rows() / 2, expected.rows() + 1);
            assertThat((int) number(last.path("messages").asText())).isEqualTo(points);
            assertThat(metric(metrics, "cvd_live_messages_sent_total")).isEqualTo(points);
            assertThat(metric(metrics, "cvd_live_messages_coalesced_total")).isZero();

            byte[] png = Files.readAllBytes(screenshot);
            assertThat(png.length).isGreaterThan(20_000);
            assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        } finally {
            browser.destroyForcibly();
        }
    }

    /** The recording's last feature row, offline: time, mid price, rv_60s, and the row count. */
    private record LastRow(long timeMicros, double mid, double rv60, int rows) {}

    private static LastRow lastRow(Path recording) throws IOException {
        FeatureEngine engine = new FeatureEngine();
        int rv60 = FeatureContract.indexOf("rv_60s");
        long[] time = {0};
        double[] last = new double[2];
        int[] rows = {0};
        for (MarketEvent event : RecordingEvents.of(recording)) {
            engine.accept(
                    event,
                    (p, t, v) -> {
                        time[0] = t;
                        last[0] = engine.rowMid();
                        last[1] = v[rv60];
                        rows[0]++;
                    });
        }
        return new LastRow(time[0], last[0], last[1], rows[0]);
    }

    /** Node, Chromium and playwright-core, or a failure that says how to install them. */
    private static Path requireBrowserTools() {
        Path chromium = Path.of(System.getenv().getOrDefault("CVD_CHROMIUM", "/usr/bin/chromium"));
        if (!Files.isExecutable(chromium)) {
            fail(
                    "Chromium not found at %s: the live page test needs it. Install it with"
                            + " `apt-get install -y chromium` (bash .ci/run does when it is"
                            + " missing), or set CVD_CHROMIUM to a Chromium executable.",
                    chromium);
        }
        if (!Files.isDirectory(BROWSER.resolve("node_modules/playwright-core"))) {
            fail(
                    "playwright-core is not installed in %s: run `npm ci` there (bash .ci/run"
                            + " does).",
                    BROWSER);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path node = Path.of(dir.isEmpty() ? "." : dir, "node");
            if (Files.isExecutable(node)) {
                return node;
            }
        }
        return fail("node is not on the PATH: install Node.js 20 or newer (Debian: nodejs).");
    }

    /** The build folder ({@code cvd.build.dir}): where this class was compiled to, one up. */
    private static Path buildDir() throws URISyntaxException {
        URL self = LivePageTest.class.getResource("LivePageTest.class");
        if (self != null && "file".equals(self.getProtocol())) {
            for (Path p = Path.of(self.toURI()); p != null; p = p.getParent()) {
                if (p.getFileName() != null && p.getFileName().toString().equals("test-classes")) {
                    return p.getParent();
                }
            }
        }
        return Path.of("target");
    }

    private static void readLines(Process p, BlockingQueue<String> lines) {
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("{\"event\":\"failed\",\"error\":\"stdout: " + e.getMessage() + "\"}");
        }
        lines.add("{\"event\":\"exited\"}");
    }

    private static JsonNode next(BlockingQueue<String> lines, int seconds, Path log)
            throws Exception {
        String line = lines.poll(seconds, TimeUnit.SECONDS);
        if (line == null) {
            fail("the browser script said nothing for %d s; its log: %s", seconds, tail(log));
        }
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return fail("the browser script wrote something else than JSON: %s", line);
        }
    }

    private static String describe(JsonNode report, Path log) {
        return report + "\nbrowser log:\n" + tail(log);
    }

    private static String tail(Path log) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static double metric(List<String> lines, String name) {
        return lines.stream()
                .filter(l -> l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in " + lines));
    }

    /** A number as the page shows it: thousands separators, minus sign, units. */
    private static double number(String shown) {
        return Double.parseDouble(
                shown.replace(",", "").replace('−', '-').replaceAll("[^0-9.\\-]", ""));
    }
}

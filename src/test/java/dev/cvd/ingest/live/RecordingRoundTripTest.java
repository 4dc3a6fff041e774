package dev.cvd.ingest.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cvd.features.FeatureEngine;
import dev.cvd.features.FeatureRow;
import dev.cvd.ingest.FrameRecorder;
import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recorded frames read back, by the same reader as {@code cvd replay} and {@code cvd features}, to
 * the same events and feature rows as the capture they came from.
 */
class RecordingRoundTripTest {

    @TempDir Path dir;

    @Test
    void rotatingRecordingsReadBackToTheCaptureEventsAndFeatureRows() throws Exception {
        List<Capture.Recv> frames = Capture.frames();
        try (FrameRecorder recorder =
                new FrameRecorder(dir, "coinbase", 2_000_000, Duration.ofHours(1))) {
            for (Capture.Recv f : frames) {
                recorder.record(f.data(), EventTime.fromEpochSeconds(f.ts()));
            }
            assertThat(recorder.records()).isEqualTo(frames.size());
        }
        List<Path> files = files(dir);
        assertThat(files).hasSizeGreaterThan(2); // rotated by size

        List<MarketEvent> expected = Capture.events();
        List<MarketEvent> read = Capture.read(files);
        assertThat(read).containsExactlyElementsOf(expected);
        assertThat(rows(read)).isNotEmpty().containsExactlyElementsOf(rows(expected));
    }

    @Test
    void aCaptureRecordHasTheReceiveTimeToTheMicrosecondAndTheFrameVerbatim() {
        assertThat(FrameRecorder.line("{\"a\":\"b\\\"c\"}", 1_786_309_548_000_042L))
                .isEqualTo(
                        "{\"t\":\"recv\",\"ts\":1786309548.000042,\"data\":\"{\\\"a\\\":\\\"b\\\\\\\"c\\\"}\"}");
    }

    @Test
    void theRecordCommandsClientRecordsALiveFeedThatReadsBackToTheCapture() throws Exception {
        try (CaptureServer server = new CaptureServer();
                FrameRecorder recorder =
                        new FrameRecorder(dir, "coinbase", 1L << 30, Duration.ofHours(1))) {
            server.speed = 20;
            List<String> log = new ArrayList<>();
            LiveRecorder live =
                    new LiveRecorder(
                            URI.create("ws://localhost:" + server.port()),
                            List.of("BTC-USD", "ETH-USD"),
                            java.util.Optional.empty(),
                            recorder,
                            Duration.ofSeconds(2),
                            Duration.ofMillis(20),
                            new Backoff(Duration.ofMillis(50), Duration.ofMillis(400), () -> 0.5),
                            log::add);
            // The capture lasts 24 s, 1.2 s at 20x, but the JDK client takes seconds over the 5 MB
            // snapshot; heartbeats keep coming until the end.
            live.run(Duration.ofSeconds(10));
            recorder.close();
            assertThat(server.position())
                    .as("capture played; %d frames recorded; %s", live.frames(), log)
                    .isEqualTo(server.frames().size());
            assertThat(live.connections()).isEqualTo(1);
        }
        List<MarketEvent> read = Capture.read(files(dir));
        List<MarketEvent> expected = Capture.events();
        assertThat(read).as("events read back").hasSameSizeAs(expected);
        assertThat(read).containsExactlyElementsOf(expected);
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".ndjson.gz")).sorted().toList();
        }
    }

    private static List<FeatureRow> rows(List<MarketEvent> events) {
        List<FeatureRow> rows = new ArrayList<>();
        FeatureEngine engine = new FeatureEngine();
        for (MarketEvent e : events) {
            engine.accept(e, (p, t, v) -> rows.add(new FeatureRow(p, t, v.clone())));
        }
        return rows;
    }
}

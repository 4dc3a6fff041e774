package dev.cvd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cvd.ingest.FieldMapping;
import dev.cvd.ingest.Passes;
import dev.cvd.ingest.RecordingEvents;
import dev.cvd.ingest.RecordingListener;
import dev.cvd.ingest.RecordingReader;
import dev.cvd.kafka.EmbeddedKafkaBroker;
import dev.cvd.kafka.TopicReader;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.RawEventCodec;
import dev.cvd.market.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cvd replay} against a real broker: every event onto ticks.raw, bad lines to the DLQ. */
class ReplayCommandTest {

    private static final Path RECORDING =
            Path.of("src/test/resources/recordings/corpus_ticks_BTCUSD_20251108_151231.ndjson.gz");

    private static EmbeddedKafkaBroker broker;

    @TempDir static Path tmp;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(tmp.resolve("kafka"), 0, true, 1);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private record Run(int exitCode, String err) {}

    private static Run replay(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new ReplayCommand());
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, err.toString());
    }

    @Test
    void publishesEveryEventInOrderAndTheBadLineToTheDlqWithItsReason() throws Exception {
        List<String> lines = new ArrayList<>();
        try (var in =
                new java.io.BufferedReader(
                        new java.io.InputStreamReader(
                                new java.util.zip.GZIPInputStream(Files.newInputStream(RECORDING)),
                                StandardCharsets.UTF_8))) {
            in.lines().forEach(lines::add);
        }
        lines.add(3, "{\"timestamp\": broken");
        Path recording = tmp.resolve("with-bad-line.ndjson");
        Files.write(recording, lines);
        List<String> expected = new ArrayList<>();
        new RecordingReader(FieldMapping.DEFAULT)
                .read(
                        recording,
                        new RecordingListener() {
                            @Override
                            public void onEvent(MarketEvent event) {
                                expected.add(RawEventCodec.encode(event));
                            }

                            @Override
                            public void onRejected(String reason, String line) {}
                        });

        Run run =
                replay(
                        recording.toString(),
                        "--speed",
                        "max",
                        "--bootstrap-servers",
                        broker.bootstrapServers());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err())
                .contains(expected.size() + " events (" + expected.size() + " quotes")
                .contains("rejected to ticks.dlq: malformed_json 1");
        try (TopicReader raw = new TopicReader(broker.bootstrapServers(), Topics.RAW);
                TopicReader dlq = new TopicReader(broker.bootstrapServers(), Topics.DLQ)) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> raw.poll().size() >= expected.size());
            assertThat(raw.poll())
                    .extracting(ConsumerRecord::value)
                    .containsExactlyElementsOf(expected);
            assertThat(raw.poll()).extracting(ConsumerRecord::key).containsOnly("BTC-USD");
            await().atMost(Duration.ofSeconds(30)).until(() -> dlq.poll().size() == 1);
            ConsumerRecord<String, String> bad = dlq.poll().get(0);
            assertThat(bad.value()).isEqualTo("{\"timestamp\": broken");
            assertThat(
                            new String(
                                    bad.headers().lastHeader(Topics.DLQ_REASON_HEADER).value(),
                                    StandardCharsets.UTF_8))
                    .isEqualTo("malformed_json");
        }
    }

    @Test
    void anUnreachableBrokerIsAOneLineErrorWithExitCode2() {
        Run run =
                replay(
                        RECORDING.toString(),
                        "--bootstrap-servers",
                        "localhost:1",
                        "--speed",
                        "max");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("cvd replay: cannot reach Kafka at localhost:1");
    }

    @Test
    void aMalformedBootstrapAddressIsAOneLineErrorWithExitCode2() {
        Run run = replay(RECORDING.toString(), "--bootstrap-servers", "no-port-here");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("cvd replay: bad --bootstrap-servers 'no-port-here': ")
                .doesNotContain("\tat ");
    }

    @Test
    void aBadSpeedOrAMissingFileIsAOneLineErrorWithExitCode2() {
        assertThat(replay(RECORDING.toString(), "--speed", "fast"))
                .isEqualTo(
                        new Run(
                                2,
                                "cvd replay: speed must be a positive number or 'max', got 'fast'"
                                        + System.lineSeparator()));
        Run missing = replay("no-such.ndjson");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err())
                .isEqualTo(
                        "cvd replay: cannot read recording no-such.ndjson: no such file"
                                + System.lineSeparator());
    }

    @Test
    void repeatPlaysTheRecordingAgainShiftedPastTheEndOfThePreviousPass() throws Exception {
        List<MarketEvent> once = RecordingEvents.of(RECORDING);
        long first = once.get(0).timeMicros();
        long last = once.get(once.size() - 1).timeMicros();
        long shift = last - first + Passes.GAP_MICROS;

        Run run =
                replay(
                        RECORDING.toString(),
                        "--repeat",
                        "3",
                        "--speed",
                        "max",
                        "--topic",
                        "repeat.raw",
                        "--bootstrap-servers",
                        broker.bootstrapServers());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("of 1 file(s) played 3 times");
        try (TopicReader raw = new TopicReader(broker.bootstrapServers(), "repeat.raw")) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> raw.poll().size() >= 3 * once.size());
            List<MarketEvent> got =
                    raw.poll().stream().map(r -> RawEventCodec.decode(r.value())).toList();
            assertThat(got).hasSize(3 * once.size());
            for (int pass = 0; pass < 3; pass++) {
                for (int i = 0; i < once.size(); i++) {
                    MarketEvent e = got.get(pass * once.size() + i);
                    assertThat(e.timeMicros()).isEqualTo(once.get(i).timeMicros() + pass * shift);
                    assertThat(RawEventCodec.encode(e).replaceAll("\"time_us\":\\d+,", ""))
                            .isEqualTo(
                                    RawEventCodec.encode(once.get(i))
                                            .replaceAll("\"time_us\":\\d+,", ""));
                }
            }
        }
        assertThat(replay(RECORDING.toString(), "--repeat", "0").err())
                .isEqualTo(
                        "cvd replay: --repeat must be at least 1, got 0" + System.lineSeparator());
    }
}

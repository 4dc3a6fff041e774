package dev.cvd.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.cvd.market.MarketEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading files: compression by magic bytes, one outcome per line, robustness. */
class StreamingTest {

    private static final String[] FIXTURES = {
        "corpus_ticks_BTCUSD_20251108_151231.ndjson.gz",
        "advanced_trade_capture_20260809.jsonl.gz",
        "exchange_feed_capture_20210417.txt.gz",
        "exchange_level2_snapshot_btcusd.json",
        "exchange_ticker_wrapped_202511.ndjson",
        "exchange_ticker_reduced_20251117.csv.gz",
        "reference_sample_raw.ndjson",
        "synthetic_bad_lines.txt"
    };

    static List<String> lines(String fixture) throws IOException {
        InputStream in = Files.newInputStream(Fixtures.path(fixture));
        if (fixture.endsWith(".gz")) {
            in = new GZIPInputStream(in);
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    void gzipIsRecognisedByItsMagicBytesNotItsName(@TempDir Path dir) throws IOException {
        Path gzipNamedTxt = dir.resolve("capture.txt");
        Files.copy(Fixtures.path("exchange_feed_capture_20210417.txt.gz"), gzipNamedTxt);
        Path plainNamedGz = dir.resolve("rows.ndjson.gz");
        Files.copy(Fixtures.path("reference_sample_raw.ndjson"), plainNamedGz);

        Transcript fromGzip = new Transcript();
        new RecordingReader(FieldMapping.DEFAULT).read(gzipNamedTxt, fromGzip);
        Transcript fromPlain = new Transcript();
        new RecordingReader(FieldMapping.DEFAULT).read(plainNamedGz, fromPlain);

        assertThat(fromGzip.lines)
                .containsExactlyElementsOf(
                        Fixtures.golden("exchange_feed_capture_20210417.txt.gz"));
        assertThat(fromPlain.lines)
                .containsExactlyElementsOf(Fixtures.golden("reference_sample_raw.ndjson"));
    }

    @Test
    void emptyAndTinyFiles(@TempDir Path dir) throws IOException {
        Path empty = Files.createFile(dir.resolve("empty"));
        Path oneByte = Files.write(dir.resolve("one"), new byte[] {0x1f});
        Transcript t = new Transcript();
        RecordingReader reader = new RecordingReader(FieldMapping.DEFAULT);

        reader.read(empty, t);
        reader.read(oneByte, t);

        assertThat(t.lines).containsExactly("R unknown_format");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "corpus_ticks_BTCUSD_20251108_151231.ndjson.gz",
                "advanced_trade_capture_20260809.jsonl.gz",
                "exchange_feed_capture_20210417.txt.gz",
                "exchange_level2_snapshot_btcusd.json",
                "exchange_ticker_wrapped_202511.ndjson",
                "exchange_ticker_reduced_20251117.csv.gz",
                "reference_sample_raw.ndjson",
                "synthetic_bad_lines.txt"
            })
    void everyLineHasExactlyOneOutcome(String fixture) throws IOException {
        RecordingReader reader = new RecordingReader(FieldMapping.parse(List.of(), "BTC-USD"));
        for (String line : lines(fixture)) {
            Outcomes o = new Outcomes();
            reader.decodeLine(line, o);
            assertThat(o.events > 0 ? o.ignored + o.rejected : o.ignored + o.rejected - 1)
                    .as("outcomes of %s", line.length() > 80 ? line.substring(0, 80) : line)
                    .isZero();
        }
    }

    @Test
    void everyPrefixOfEveryRealLineDecodesWithoutThrowing() throws IOException {
        // Truncated lines are what a crashed collector leaves behind.
        RecordingReader reader = new RecordingReader(FieldMapping.DEFAULT);
        for (String fixture : FIXTURES) {
            List<String> lines = lines(fixture);
            for (int k = 0; k < lines.size(); k += 7) {
                String line = lines.get(k);
                for (int end = 0; end <= line.length(); end += Math.max(1, line.length() / 97)) {
                    String prefix = line.substring(0, end);
                    Outcomes o = new Outcomes();
                    assertThatCode(() -> reader.decodeLine(prefix, o)).doesNotThrowAnyException();
                    assertThat(o.events + o.ignored + o.rejected).isPositive();
                    assertThat(o.rejectedReasons).doesNotContain(Reasons.DECODE_ERROR);
                }
            }
        }
    }

    /** Counts outcomes of one line. */
    private static final class Outcomes implements RecordingListener {
        int events;
        int ignored;
        int rejected;
        final List<String> rejectedReasons = new ArrayList<>();

        @Override
        public void onEvent(MarketEvent event) {
            events++;
        }

        @Override
        public void onIgnored(String reason) {
            ignored++;
        }

        @Override
        public void onRejected(String reason, String line) {
            rejected++;
            rejectedReasons.add(reason);
        }
    }
}

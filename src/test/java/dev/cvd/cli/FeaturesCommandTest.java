package dev.cvd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cvd.features.FeatureContract;
import dev.cvd.features.FeatureParquetWriter;
import dev.cvd.ingest.FieldMapping;
import dev.cvd.market.EventTime;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code cvd features} run in-process on real and hand-written recordings. */
class FeaturesCommandTest {

    @TempDir Path dir;

    record Result(int exitCode, String out, String err) {}

    static Result run(Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new FeaturesCommand());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        String[] text = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        int exitCode = cmd.execute(text);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private static long micros(String iso) {
        return EventTime.parseIso(iso);
    }

    @Test
    void bundledRecordingGivesOneRowPerQuoteInContractColumns() throws Exception {
        Path out = dir.resolve("btc.parquet");

        Result r = run(FeatureFile.REPLAY, "--out", out);

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .contains("features: 1 file, 3,996 lines, 89.5 kB in ")
                .contains("  events read: 3,996 quotes, 0 trades, 0 book updates\n")
                .contains("  written: 3,996 rows to " + out + "\n")
                .contains("  ignored lines: none\n")
                .contains("  rejected lines: none\n")
                .contains("  rejected by the engine: none\n");

        List<String> expected = new ArrayList<>(List.of("product_id", "time"));
        expected.addAll(FeatureContract.NAMES);
        expected.add(FeatureParquetWriter.MID_COLUMN);
        List<String[]> columns = FeatureFile.columns(out);
        assertThat(columns).extracting(c -> c[0]).containsExactlyElementsOf(expected);
        assertThat(columns.get(0)[1]).isEqualTo("VARCHAR");
        assertThat(columns.get(1)[1]).isEqualTo("TIMESTAMP WITH TIME ZONE");
        assertThat(columns.subList(2, columns.size())).extracting(c -> c[1]).containsOnly("DOUBLE");

        List<FeatureFile.Row> rows = FeatureFile.read(out);
        assertThat(rows).hasSize(3996);
        assertThat(rows).extracting(FeatureFile.Row::product).containsOnly("BTC-USD");
        assertThat(rows.get(0).timeMicros()).isEqualTo(micros("2025-12-01T16:44:46.329398Z"));
        assertThat(rows.get(3995).timeMicros()).isEqualTo(micros("2025-12-01T16:54:46.129969Z"));
        assertThat(rows).extracting(FeatureFile.Row::timeMicros).isSortedAccordingTo(Long::compare);
        // The temporary file was renamed into place: nothing else is left beside the output.
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(out);
        }
    }

    @Test
    void handCheckedValuesOfTheBundledRecording() throws Exception {
        Path out = dir.resolve("btc.parquet");
        assertThat(run(FeatureFile.REPLAY, "--out", out, "-q").exitCode()).isZero();
        List<FeatureFile.Row> rows = FeatureFile.read(out);

        // Line 1: bid 85194.22 x 0.0047203, ask 85194.23 x 0.01242952; the segment starts.
        FeatureFile.Row first = rows.get(0);
        double mid0 = (85194.22 + 85194.23) / 2;
        assertThat(first.get("spread_bps")).isCloseTo(1e4 * 0.01 / mid0, within(1e-9));
        assertThat(first.get("obi"))
                .isCloseTo((0.0047203 - 0.01242952) / (0.0047203 + 0.01242952), within(1e-15));
        assertThat(first.get("ret_1s")).isNaN();
        assertThat(first.get("rv_30s")).isNaN();
        assertThat(first.get("quote_rate_30s")).isNaN();
        assertThat(first.get("dt_prev_s")).isNaN();
        assertThat(first.get("trade_rate_30s")).isNaN();

        // Line 7 (16:44:46.901061): the mid drops to 85185.105, 29,651 us after line 6.
        double mid6 = (85185.1 + 85185.11) / 2;
        assertThat(rows.get(6).get("dt_prev_s")).isEqualTo(0.029651);
        assertThat(rows.get(6).get("ret_1s")).isNaN(); // the segment is 0.57 s old

        // Line 11 (16:44:47.621472): 1 s earlier is 16:44:46.621472, and the last quote at or
        // before that is line 3 (16:44:46.399467, mid 85194.225).
        assertThat(rows.get(10).get("ret_1s"))
                .isCloseTo(Math.log(mid6 / mid0), within(1e-15))
                .isNegative();
        assertThat(rows.get(10).get("ret_5s")).isNaN();
        // Unchanged prices since line 7: the realized volatility would be over line 7's return
        // alone, but the 30 s window is not covered yet.
        assertThat(rows.get(10).get("rv_30s")).isNaN();

        // Ten minutes of ticker data: every window is covered at the end, trades never are.
        FeatureFile.Row last = rows.get(3995);
        assertThat(last.get("rv_300s")).isPositive();
        assertThat(last.get("quote_rate_300s")).isBetween(5.0, 8.0);
        assertThat(last.get("trade_volume_300s")).isNaN();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "corpus_ticks_BTCUSD_20251108_151231.ndjson.gz",
                "advanced_trade_capture_20260809.jsonl.gz",
                "exchange_feed_capture_20210417.txt.gz",
                "exchange_ticker_wrapped_202511.ndjson",
                "reference_sample_raw.ndjson",
            })
    void rowsEqualTheEngineFedDirectlyBitForBit(String name) throws Exception {
        Path recording = FeatureFile.recording(name);
        Path out = dir.resolve("f.parquet");

        assertThat(run(recording, "--out", out, "-q").exitCode()).isZero();

        assertSameRows(
                FeatureFile.read(out), FeatureFile.engineRows(FieldMapping.DEFAULT, recording));
    }

    @Test
    void replayRowsEqualTheEngineFedDirectlyBitForBit() throws Exception {
        Path out = dir.resolve("f.parquet");
        assertThat(run(FeatureFile.REPLAY, "--out", out, "-q").exitCode()).isZero();
        assertSameRows(
                FeatureFile.read(out),
                FeatureFile.engineRows(FieldMapping.DEFAULT, FeatureFile.REPLAY));
    }

    @Test
    void severalFilesAreOneStreamInTheOrderGiven() throws Exception {
        Path corpus = FeatureFile.recording("corpus_ticks_BTCUSD_20251108_151231.ndjson.gz");
        Path out = dir.resolve("twice.parquet");

        Result r = run(corpus, corpus, "--out", out);

        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).contains("features: 2 files, 50 lines");
        List<FeatureFile.Row> rows = FeatureFile.read(out);
        assertThat(rows).hasSize(50);
        // The second copy goes back in time: the monotone clamp holds it at the last time of the
        // first, in the same segment (no gap), so its quotes are 0 s apart.
        long end = rows.get(24).timeMicros();
        assertThat(end).isEqualTo(micros("2025-11-08T15:12:35.495174Z"));
        for (FeatureFile.Row row : rows.subList(25, 50)) {
            assertThat(row.timeMicros()).isEqualTo(end);
            assertThat(row.get("dt_prev_s")).isZero();
        }
        assertSameRows(rows, FeatureFile.engineRows(FieldMapping.DEFAULT, corpus, corpus));
    }

    @Test
    void handWrittenCsvWithMappedColumnsAndADefaultProduct() throws Exception {
        // Epoch seconds from 2026-01-01T00:00:00Z; mids 100, 101, 100, 102, 102; spreads of 1.
        Path csv = dir.resolve("quotes.csv");
        Files.writeString(
                csv,
                String.join(
                        "\n",
                        "when,px_bid,sz_bid,px_ask,sz_ask",
                        "1767225600,99.5,1,100.5,3",
                        "1767225610,100.5,2,101.5,2",
                        "1767225620,99.5,,100.5,1",
                        "1767225630,101.5,3,102.5,1",
                        "1767225640.5,101.5,3,102.5,1",
                        ""),
                StandardCharsets.UTF_8);
        Path out = dir.resolve("eth.parquet");

        Result r =
                run(
                        csv,
                        "--out",
                        out,
                        "--product",
                        "ETH-USD",
                        "--field",
                        "time=when",
                        "--field",
                        "bid=px_bid",
                        "--field",
                        "bid_qty=sz_bid",
                        "--field",
                        "ask=px_ask",
                        "--field",
                        "ask_qty=sz_ask");

        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).contains("  ignored lines: csv_header 1\n");
        List<FeatureFile.Row> rows = FeatureFile.read(out);
        assertThat(rows).extracting(FeatureFile.Row::product).containsOnly("ETH-USD");
        assertThat(rows)
                .extracting(FeatureFile.Row::timeMicros)
                .containsExactly(
                        micros("2026-01-01T00:00:00Z"),
                        micros("2026-01-01T00:00:10Z"),
                        micros("2026-01-01T00:00:20Z"),
                        micros("2026-01-01T00:00:30Z"),
                        micros("2026-01-01T00:00:40.5Z"));
        assertThat(rows.get(0).get("obi")).isEqualTo(-0.5);
        assertThat(rows.get(1).get("obi")).isZero();
        assertThat(rows.get(2).get("obi")).isNaN(); // no bid size

        // At 30 s the 30 s window (0, 30] is covered and holds the quotes at 10, 20 and 30 s.
        FeatureFile.Row at30 = rows.get(3);
        double r10 = Math.log(101.0 / 100.0);
        double r20 = Math.log(100.0 / 101.0);
        double r30 = Math.log(102.0 / 100.0);
        assertThat(at30.get("quote_rate_30s")).isEqualTo(0.1);
        assertThat(at30.get("rv_30s"))
                .isCloseTo(Math.sqrt(r10 * r10 + r20 * r20 + r30 * r30), within(1e-15));
        assertThat(at30.get("spread_mean_30s"))
                .isCloseTo((1e4 / 101 + 1e4 / 100 + 1e4 / 102) / 3, within(1e-11));
        assertThat(at30.get("obi_mean_30s")).isCloseTo(0.25, within(1e-15)); // 0 and 0.5
        assertThat(at30.get("ret_1s")).isCloseTo(r30, within(1e-15)); // against the 20 s quote
        assertThat(at30.get("ret_30s")).isCloseTo(r30, within(1e-15)); // against the first
        assertThat(at30.get("ret_60s")).isNaN();
        assertThat(at30.get("rv_60s")).isNaN();
        assertThat(at30.get("trade_rate_30s")).isNaN();
        assertThat(at30.get("dt_prev_s")).isEqualTo(10.0);

        // At 40.5 s: window (10.5, 40.5] holds the quotes at 20, 30 and 40.5 s.
        FeatureFile.Row at40 = rows.get(4);
        assertThat(at40.get("quote_rate_30s")).isEqualTo(0.1);
        assertThat(at40.get("ret_30s")).isCloseTo(Math.log(102.0 / 101.0), within(1e-15));
        assertThat(at40.get("rv_30s")).isCloseTo(Math.sqrt(r20 * r20 + r30 * r30), within(1e-15));
        assertThat(at40.get("dt_prev_s")).isEqualTo(10.5);
    }

    @Test
    void badLinesAreCountedByReasonAndNeverStopTheRun() throws Exception {
        Path out = dir.resolve("bad.parquet");

        Result r = run(FeatureFile.recording("synthetic_bad_lines.txt"), "--out", out);

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .contains("features: 1 file, 28 lines, ")
                .contains("  events read: 1 quote, 0 trades, 0 book updates\n")
                .contains("  written: 0 rows to " + out + "\n")
                .contains("  ignored lines: blank 2, heartbeat 2, status 1 (5 in all)\n")
                .contains(
                        "  rejected lines: bad_level 2, bad_number 4, bad_time 1, error_frame 2,"
                                + " malformed_json 4, missing_product 1, missing_time 1,"
                                + " unknown_format 5, unknown_type 2 (22 in all)\n")
                // The one decoded quote has a NaN bid.
                .contains("  rejected by the engine: invalid_quote 1\n")
                .contains("no valid quote in the input, so no rows");
        assertThat(FeatureFile.read(out)).isEmpty();
    }

    @Test
    void missingRecordingIsAOneLineUsageError() throws Exception {
        Path missing = dir.resolve("no-such.ndjson.gz");
        Path out = dir.resolve("never.parquet");

        Result r = run(FeatureFile.REPLAY, missing, "--out", out);

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .isEqualTo("cvd features: cannot read recording " + missing + ": no such file\n");
        assertThat(out).doesNotExist();
    }

    @Test
    void aFolderIsNotARecording() {
        Result r = run(dir, "--out", dir.resolve("x.parquet"));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo("cvd features: cannot read recording " + dir + ": is a directory\n");
    }

    @Test
    void badFieldSpecIsAOneLineUsageError() {
        Result r = run(FeatureFile.REPLAY, "--out", dir.resolve("x.parquet"), "--field", "bid");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo("cvd features: field mapping 'bid' is not of the form field=name\n");

        Result unknown =
                run(FeatureFile.REPLAY, "--out", dir.resolve("x.parquet"), "--field", "mid=m");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("cvd features: unknown field 'mid'").hasLineCount(1);
    }

    @Test
    void aFailedRunLeavesThePreviousOutputAlone() throws Exception {
        Path out = dir.resolve("keep.parquet");
        Files.writeString(out, "previous");

        Result r = run(dir.resolve("missing.gz"), "--out", out);

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(out).hasContent("previous");
        assertThat(run(FeatureFile.REPLAY, "--out", dir).exitCode()).isEqualTo(2);
    }

    @Test
    void truncatedGzipKeepsTheLinesBeforeTheDamageAndTheNextFileFollows() throws Exception {
        byte[] whole = Files.readAllBytes(FeatureFile.REPLAY);
        Path truncated = dir.resolve("truncated.ndjson.gz");
        Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
        Path corpus = FeatureFile.recording("corpus_ticks_BTCUSD_20251108_151231.ndjson.gz");
        Path out = dir.resolve("partial.parquet");

        Result r = run(truncated, corpus, "--out", out);

        assertThat(r.exitCode()).isZero();
        Matcher m =
                Pattern.compile(
                                "cvd features: warning: "
                                        + Pattern.quote(truncated.toString())
                                        + " is damaged; kept its first ([0-9,]+) lines, skipped the"
                                        + " rest \\(truncated: .*\\)\n")
                        .matcher(r.err());
        assertThat(m.find()).as(r.err()).isTrue();
        long kept = Long.parseLong(m.group(1).replace(",", ""));
        assertThat(kept).isBetween(1000L, 3995L);
        assertThat(r.err()).contains("  damaged file: " + truncated);
        List<FeatureFile.Row> rows = FeatureFile.read(out);
        assertThat(rows).hasSize((int) kept + 25);
        // The kept lines are the recording's first ones, with the same features.
        List<FeatureFile.Row> full =
                FeatureFile.engineRows(FieldMapping.DEFAULT, FeatureFile.REPLAY);
        assertSameRows(rows.subList(0, (int) kept), full.subList(0, (int) kept));
    }

    @Test
    void quietWritesTheFileAndPrintsNothing() throws Exception {
        Path out = dir.resolve("q.parquet");

        Result r = run(FeatureFile.REPLAY, "--out", out, "-q");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
        assertThat(FeatureFile.read(out)).hasSize(3996);
    }

    @Test
    void missingOutIsAPicocliUsageError() {
        Result r = run(FeatureFile.REPLAY);

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required option: '--out=FILE.parquet'");
    }

    private static void assertSameRows(List<FeatureFile.Row> actual, List<FeatureFile.Row> expected)
            throws IOException {
        assertThat(actual).hasSameSizeAs(expected);
        assertThat(expected).isNotEmpty();
        for (int i = 0; i < expected.size(); i++) {
            FeatureFile.Row a = actual.get(i);
            FeatureFile.Row e = expected.get(i);
            assertThat(a.product()).as("row %d product", i).isEqualTo(e.product());
            assertThat(a.timeMicros()).as("row %d time", i).isEqualTo(e.timeMicros());
            for (int f = 0; f < FeatureContract.SIZE; f++) {
                assertThat(Double.doubleToLongBits(a.values()[f]))
                        .as("row %d %s", i, FeatureContract.NAMES.get(f))
                        .isEqualTo(Double.doubleToLongBits(e.values()[f]));
            }
        }
    }
}

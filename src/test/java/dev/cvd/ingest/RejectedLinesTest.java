package dev.cvd.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Malformed and unknown input is counted by reason; nothing throws. */
class RejectedLinesTest {

    @Test
    void everyBadLineHasItsReason() {
        Transcript t = Fixtures.read("synthetic_bad_lines.txt", FieldMapping.DEFAULT);

        assertThat(t.lines)
                .containsExactly(
                        "I blank",
                        "I blank",
                        "R unknown_format",
                        "R malformed_json",
                        "R malformed_json",
                        "R unknown_format",
                        "R unknown_format",
                        "R error_frame",
                        "R error_frame",
                        "R unknown_type",
                        "R unknown_type",
                        "R missing_product",
                        "R bad_number",
                        "R bad_number",
                        "R bad_number",
                        "R bad_number",
                        "R bad_time",
                        "R missing_time",
                        "R bad_level",
                        "R bad_level",
                        "R malformed_json",
                        "R unknown_format",
                        "R unknown_format",
                        "R malformed_json",
                        "I heartbeat",
                        "I heartbeat",
                        "I status",
                        // a JSON NaN token, as Python writes a missing float, is a missing bid
                        "Q BTC-USD 2025-11-08T15:12:31.000000Z bid=NaN bidQty=NaN ask=2 askQty=NaN");
    }

    @Test
    void rejectedLinesAreHandedOverVerbatim() throws IOException {
        List<String> raw =
                Files.readAllLines(
                        Fixtures.path("synthetic_bad_lines.txt"), StandardCharsets.UTF_8);
        Transcript t = Fixtures.read("synthetic_bad_lines.txt", FieldMapping.DEFAULT);

        assertThat(t.rejectedLines).hasSize(22).isSubsetOf(raw);
        assertThat(t.rejectedLines.get(0)).isEqualTo("this is not a recording");
    }

    @Test
    void tallyCountsByReason() throws IOException {
        RejectTally tally = new RejectTally();
        new RecordingReader(FieldMapping.DEFAULT)
                .read(Fixtures.path("synthetic_bad_lines.txt"), tally);

        assertThat(tally.ignored())
                .containsExactly(
                        Map.entry("blank", 2L),
                        Map.entry("heartbeat", 2L),
                        Map.entry("status", 1L));
        assertThat(tally.rejected())
                .containsExactly(
                        Map.entry("bad_level", 2L),
                        Map.entry("bad_number", 4L),
                        Map.entry("bad_time", 1L),
                        Map.entry("error_frame", 2L),
                        Map.entry("malformed_json", 4L),
                        Map.entry("missing_product", 1L),
                        Map.entry("missing_time", 1L),
                        Map.entry("unknown_format", 5L),
                        Map.entry("unknown_type", 2L));
        assertThat(tally.totalRejected()).isEqualTo(22);
        assertThat(tally.totalIgnored()).isEqualTo(5);
        assertThat(tally.quotes()).isEqualTo(1);
        assertThat(tally.rejected("bad_number")).isEqualTo(4);
        assertThat(tally.rejected("no_such_reason")).isZero();
    }

    @Test
    void tallyForwardsEverything() throws IOException {
        Transcript downstream = new Transcript();
        RejectTally tally = new RejectTally(downstream);
        new RecordingReader(FieldMapping.DEFAULT)
                .read(Fixtures.path("exchange_feed_capture_20210417.txt.gz"), tally);

        assertThat(downstream.lines)
                .containsExactlyElementsOf(
                        Fixtures.golden("exchange_feed_capture_20210417.txt.gz"));
        assertThat(tally.quotes() + tally.trades() + tally.bookUpdates())
                .isEqualTo(downstream.events.size());
        assertThat(tally.toString()).startsWith("quotes=").contains("blank=2");
    }
}

package dev.cvd.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every recording format against its golden transcript. The fixtures are heads of the real
 * recordings (see {@code recordings/README.md}); the golden files were written by a separate
 * reference decoder, not by this reader, and spot values are checked by hand in {@link
 * RecordingFormatsTest}.
 */
class RecordingReaderGoldenTest {

    static Stream<Arguments> fixtures() {
        FieldMapping btcUsd = FieldMapping.parse(List.of(), "BTC-USD");
        return Stream.of(
                Arguments.of("corpus_ticks_BTCUSD_20251108_151231.ndjson.gz", FieldMapping.DEFAULT),
                Arguments.of("advanced_trade_capture_20260809.jsonl.gz", FieldMapping.DEFAULT),
                Arguments.of("exchange_feed_capture_20210417.txt.gz", FieldMapping.DEFAULT),
                Arguments.of("exchange_level2_snapshot_btcusd.json", FieldMapping.DEFAULT),
                Arguments.of("exchange_ticker_wrapped_202511.ndjson", FieldMapping.DEFAULT),
                Arguments.of("exchange_ticker_reduced_20251117.csv.gz", btcUsd),
                Arguments.of("reference_sample_raw.ndjson", FieldMapping.DEFAULT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void matchesGoldenTranscript(String fixture, FieldMapping mapping) {
        Transcript t = Fixtures.read(fixture, mapping);

        assertThat(t.lines).containsExactlyElementsOf(Fixtures.golden(fixture));
    }
}

package dev.cvd.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cvd.market.Quote;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRecordingTest {

    private static final long T0 = micros("2025-11-08T15:12:31.463496Z");

    private static long micros(String isoUtc) {
        Instant i = Instant.parse(isoUtc);
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    private static Transcript decode(RecordingReader reader, String... lines) {
        Transcript t = new Transcript();
        for (String line : lines) {
            reader.decodeLine(line, t);
        }
        return t;
    }

    @Test
    void quoteRowsWithQuotedCells() {
        Transcript t =
                decode(
                        new RecordingReader(FieldMapping.DEFAULT),
                        "\"ts\",\"product_id\",\"best_bid\",\"best_bid_size\",\"best_ask\",\"best_ask_size\"",
                        "\"1762614751.463496\",\"BTC-USD\",\"102020.47\",\"0.02944129\",\"102020.48\",\"\"");

        assertThat(t.events)
                .containsExactly(
                        new Quote("BTC-USD", T0, 102020.47, 0.02944129, 102020.48, Double.NaN));
    }

    @Test
    void tabSeparatedHeader() {
        Transcript t =
                decode(
                        new RecordingReader(FieldMapping.DEFAULT),
                        "time\tsymbol\tbid\task",
                        "2025-11-08T15:12:31.463496\tBTC-USD\t1\t2");

        assertThat(t.events)
                .containsExactly(new Quote("BTC-USD", T0, 1, Double.NaN, 2, Double.NaN));
    }

    @Test
    void rowsBeforeAHeaderOrOfTheWrongWidthAreRejected() {
        RecordingReader reader = new RecordingReader(FieldMapping.parse(List.of(), "BTC-USD"));
        Transcript t =
                decode(
                        reader,
                        "2025-11-17T23:33:18.135099Z,91749.99,0.00915181",
                        "timestamp,price,volume",
                        "2025-11-17T23:33:18.135099Z,91749.99",
                        "2025-11-17T23:33:18.135099Z,91749.99,0.00915181,extra",
                        "2025-11-17T23:33:18.135099Z,ninety,0.00915181",
                        "2025-11-17T23:33:18.135099Z,91749.99,0.00915181");

        assertThat(t.lines)
                .containsExactly(
                        "R unknown_format",
                        "I csv_header",
                        "R csv_columns",
                        "R csv_columns",
                        "R bad_number",
                        "T BTC-USD 2025-11-17T23:33:18.135099Z price=91749.99 size=0.00915181"
                                + " side=UNKNOWN");
    }

    @Test
    void aNewHeaderReplacesTheOld() {
        Transcript t =
                decode(
                        new RecordingReader(FieldMapping.parse(List.of(), "BTC-USD")),
                        "timestamp,price,volume",
                        "time,bid,ask",
                        "2025-11-08T15:12:31.463496Z,1,2");

        assertThat(t.lines)
                .containsExactly(
                        "I csv_header",
                        "I csv_header",
                        "Q BTC-USD 2025-11-08T15:12:31.463496Z bid=1 bidQty=NaN ask=2 askQty=NaN");
    }

    @Test
    void eachReadStartsWithoutAHeader() throws IOException {
        RecordingReader reader = new RecordingReader(FieldMapping.parse(List.of(), "BTC-USD"));
        Transcript first = new Transcript();
        reader.read(
                new BufferedReader(
                        new StringReader("timestamp,price,volume\n2025-11-17T23:33:18Z,1,2\n")),
                first);
        Transcript second = new Transcript();
        reader.read(new BufferedReader(new StringReader("2025-11-17T23:33:18Z,1,2\n")), second);

        assertThat(first.events).hasSize(1);
        assertThat(second.lines).containsExactly("R unknown_format");
    }

    @Test
    void textWithCommasButNoKnownColumnIsNotAHeader() {
        assertThat(decode(new RecordingReader(FieldMapping.DEFAULT), "hello, world").lines)
                .containsExactly("R unknown_format");
    }
}

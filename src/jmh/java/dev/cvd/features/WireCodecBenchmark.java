package dev.cvd.features;

import com.fasterxml.jackson.core.io.NumberOutput;
import dev.cvd.ingest.RecordingEvents;
import dev.cvd.market.JsonBytes;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.RawEventCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The streaming path's wire codecs, one record per call, over the bundled recording's events and
 * feature rows: ticks.raw events encoded and decoded, feature rows encoded, and decoded by the
 * canonical-layout reader and by the general Jackson decoder it falls back to; and the rows' finite
 * values written one at a time as shortest decimal text, by the codecs' writer and by Jackson's.
 *
 * <pre>
 * ./mvnw -Pbench test-compile exec:exec -Dbench=WireCodecBenchmark -Dbench.args="-f 1 -wi 3 -i 5 -prof gc"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WireCodecBenchmark {

    /** The bundled recording, whose events and rows the features benchmarks use. */
    static final Path RECORDING = Path.of("replay/ticks_BTCUSD_20251201_164446_10min.ndjson.gz");

    private MarketEvent[] events;
    private String[] eventTexts;
    private FeatureRow[] rows;
    private String[] rowTexts;
    private double[] values;
    private final StringBuilder text = new StringBuilder(32);
    private final JsonBytes bytes = new JsonBytes(32);
    private final JsonBytes rowBuffer = new JsonBytes(FeatureRowCodec.ROW_BYTES);
    private int next;

    @Setup
    public void load() throws IOException {
        List<MarketEvent> all = RecordingEvents.of(RECORDING);
        List<FeatureRow> made = new ArrayList<>();
        FeatureEngine engine = new FeatureEngine();
        for (MarketEvent e : all) {
            engine.accept(e, (p, t, v) -> made.add(new FeatureRow(p, t, v.clone())));
        }
        events = all.toArray(MarketEvent[]::new);
        eventTexts = all.stream().map(RawEventCodec::encode).toArray(String[]::new);
        rows = made.toArray(FeatureRow[]::new);
        values =
                made.stream()
                        .flatMapToDouble(r -> java.util.Arrays.stream(r.values()))
                        .filter(Double::isFinite)
                        .toArray();
        rowTexts = made.stream().map(FeatureRowCodec::encode).toArray(String[]::new);
    }

    private int nextIndex(int length) {
        int i = next;
        next = i + 1 == length ? 0 : i + 1;
        return i;
    }

    @Benchmark
    public String rawEncode() {
        return RawEventCodec.encode(events[nextIndex(events.length)]);
    }

    @Benchmark
    public MarketEvent rawDecode() {
        return RawEventCodec.decode(eventTexts[nextIndex(eventTexts.length)]);
    }

    @Benchmark
    public String rowEncode() {
        FeatureRow r = rows[nextIndex(rows.length)];
        return FeatureRowCodec.encode(r.productId(), r.timeMicros(), r.values());
    }

    /** A row as the features stage writes it: UTF-8 bytes into its reused buffer, rows in order. */
    @Benchmark
    public int rowBytes() {
        FeatureRow r = rows[nextIndex(rows.length)];
        return FeatureRowCodec.write(rowBuffer.clear(), r.productId(), r.timeMicros(), r.values())
                .length();
    }

    @Benchmark
    public FeatureRow rowDecode() {
        return FeatureRowCodec.decode(rowTexts[nextIndex(rowTexts.length)]);
    }

    /** The general decoder, which the canonical reader replaced on the streaming path. */
    @Benchmark
    public FeatureRow rowDecodeJackson() {
        return FeatureRowCodec.decodeAnyLayout(rowTexts[nextIndex(rowTexts.length)]);
    }

    @Benchmark
    public int doubleText() {
        return bytes.clear().number(values[nextIndex(values.length)]).length();
    }

    /** Jackson's fast writer, which the codecs used before. */
    @Benchmark
    public int doubleTextJackson() {
        text.setLength(0);
        text.append(NumberOutput.toString(values[nextIndex(values.length)], true));
        return text.length();
    }
}

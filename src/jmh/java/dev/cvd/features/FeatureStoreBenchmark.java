package dev.cvd.features;

import dev.cvd.ingest.RecordingEvents;
import dev.cvd.market.MarketEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Parquet feature store's cost per row on one core: the bundled recording's feature rows, in
 * order, written by a {@link FeatureParquetWriter} as the features stage writes them (pages
 * compressed as they fill; each iteration writes a new file, closed and deleted after it).
 *
 * <pre>
 * ./mvnw -Pbench test-compile exec:exec -Dbench=FeatureStoreBenchmark -Dbench.args="-f 1 -wi 3 -i 5"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FeatureStoreBenchmark {

    private FeatureRow[] rows;
    private double[] mids;
    private Path folder;
    private Path file;
    private FeatureParquetWriter writer;
    private int next;

    @Setup(Level.Trial)
    public void load() throws IOException {
        // Outside the application nothing sets a level, and Parquet's debug logging of each value
        // would be measured instead of the writing.
        java.util.logging.Logger.getLogger("org.apache.parquet")
                .setLevel(java.util.logging.Level.INFO);
        List<FeatureRow> made = new ArrayList<>();
        List<Double> midsMade = new ArrayList<>();
        FeatureEngine engine = new FeatureEngine();
        for (MarketEvent e : RecordingEvents.of(WireCodecBenchmark.RECORDING)) {
            engine.accept(
                    e,
                    (p, t, v) -> {
                        made.add(new FeatureRow(p, t, v.clone()));
                        midsMade.add(engine.rowMid());
                    });
        }
        rows = made.toArray(FeatureRow[]::new);
        mids = midsMade.stream().mapToDouble(Double::doubleValue).toArray();
        folder = Files.createTempDirectory("cvd-store-bench");
    }

    @Setup(Level.Iteration)
    public void open() throws IOException {
        file = folder.resolve("rows.parquet");
        writer = FeatureParquetWriter.create(file);
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        writer.close();
        Files.delete(file);
    }

    @TearDown(Level.Trial)
    public void removeFolder() throws IOException {
        Files.delete(folder);
    }

    /** One row written. */
    @Benchmark
    public long writeRow() {
        int i = next;
        next = i + 1 == rows.length ? 0 : i + 1;
        FeatureRow r = rows[i];
        writer.accept(r.productId(), r.timeMicros(), r.values(), mids[i]);
        return writer.rows();
    }
}

package dev.cvd.ingest;

import dev.cvd.market.MarketEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of reading recordings on one core: lines of the bundled corpus, already decompressed
 * in memory, decoded by a {@link RecordingReader} into events (lines/s). {@code -p
 * dir=../shared/data/corpus} reads the whole corpus instead of the bundled replay file.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordingReaderBenchmark {

    static final int LINES_PER_CALL = 1_000;

    /** Directory whose {@code .gz} recordings are read, relative to the project. */
    @Param({"replay"})
    public String dir;

    String[] lines;
    RecordingReader reader;
    RecordingReader treeReader;
    int next;

    @Setup(Level.Trial)
    public void load() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            files = s.filter(p -> p.toString().endsWith(".gz")).sorted().toList();
        }
        List<String> list = new ArrayList<>();
        for (Path file : files) {
            try (BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(
                                    new GZIPInputStream(Files.newInputStream(file)),
                                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    list.add(line);
                }
            }
        }
        if (list.isEmpty()) {
            throw new IllegalStateException("no recording lines under " + dir);
        }
        lines = list.toArray(String[]::new);
        reader = new RecordingReader(FieldMapping.DEFAULT);
        treeReader = new RecordingReader(FieldMapping.DEFAULT, false);
    }

    /** Lines decoded per second: JSON parse, codec, events. */
    @Benchmark
    @OperationsPerInvocation(LINES_PER_CALL)
    public void decodeLines(Blackhole bh) {
        decode(reader, bh);
    }

    /** The same with every line read as a tree, as before the streaming fast path. */
    @Benchmark
    @OperationsPerInvocation(LINES_PER_CALL)
    public void decodeLinesAsTrees(Blackhole bh) {
        decode(treeReader, bh);
    }

    private void decode(RecordingReader r, Blackhole bh) {
        String[] l = lines;
        int i = next;
        RecordingListener listener = new Sink(bh);
        for (int k = 0; k < LINES_PER_CALL; k++) {
            r.decodeLine(l[i], listener);
            if (++i == l.length) {
                i = 0;
            }
        }
        next = i;
    }

    private record Sink(Blackhole bh) implements RecordingListener {
        @Override
        public void onEvent(MarketEvent event) {
            bh.consume(event);
        }

        @Override
        public void onIgnored(String reason) {
            bh.consume(reason);
        }

        @Override
        public void onRejected(String reason, String line) {
            bh.consume(reason);
        }
    }
}

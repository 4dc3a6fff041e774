package dev.cvd.ingest;

import dev.cvd.market.MarketEvent;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.AuxCounters;
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
 *
 * <p>{@code decodeLines} and {@code decodeLinesAsTrees} hand the reader ready-made Strings, so they
 * leave out line splitting. The {@code read*} and {@code split*} methods read the recordings' bytes
 * held in memory through the real line reader ({@link Utf8Lines}), as {@code cvd replay} does, one
 * pass over every file per call; their {@code lines} counter is the figure to compare (lines/s),
 * the primary score being passes/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordingReaderBenchmark {

    static final int LINES_PER_CALL = 1_000;

    /** The buffers {@link RecordingReader} reads files with. */
    static final int BUFFER_BYTES = 1 << 16;

    /** Directory whose {@code .gz} recordings are read, relative to the project. */
    @Param({"replay"})
    public String dir;

    String[] lines;

    /** Each recording's text, decompressed. */
    byte[][] texts;

    /** Each recording as stored, gzip. */
    byte[][] gzips;

    /** Lines of all the recordings together, one pass. */
    long linesPerPass;

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
        texts = new byte[files.size()][];
        gzips = new byte[files.size()][];
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            gzips[f] = Files.readAllBytes(file);
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzips[f]))) {
                texts[f] = in.readAllBytes();
            }
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
        linesPerPass = list.size();
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

    /**
     * One pass over the decompressed recordings, split into lines by {@link Utf8Lines} and decoded
     * into events: what a replay costs per line once the gzip stream has been inflated.
     */
    @Benchmark
    public void readBytes(Blackhole bh, LineCount count) throws IOException {
        RecordingListener listener = new Sink(bh);
        for (byte[] text : texts) {
            reader.read(new Utf8Lines(new ByteArrayInputStream(text), BUFFER_BYTES), listener);
        }
        count.lines += linesPerPass;
    }

    /** The same from the gzip bytes, as {@link RecordingReader#read(Path, RecordingListener)}. */
    @Benchmark
    public void readGzip(Blackhole bh, LineCount count) throws IOException {
        RecordingListener listener = new Sink(bh);
        for (byte[] gzip : gzips) {
            InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), BUFFER_BYTES);
            reader.read(new Utf8Lines(in, BUFFER_BYTES), listener);
        }
        count.lines += linesPerPass;
    }

    /** Line splitting alone: each line of the decompressed recordings made a String. */
    @Benchmark
    public void splitLines(Blackhole bh, LineCount count) throws IOException {
        for (byte[] text : texts) {
            Utf8Lines in = new Utf8Lines(new ByteArrayInputStream(text), BUFFER_BYTES);
            for (String line; (line = in.next()) != null; ) {
                bh.consume(line);
            }
        }
        count.lines += linesPerPass;
    }

    /**
     * Line splitting alone, no String made: the cost the reader pays for each line that the fast
     * path decodes from the bytes.
     */
    @Benchmark
    public void splitLinesToBytes(Blackhole bh, LineCount count) throws IOException {
        for (byte[] text : texts) {
            Utf8Lines in = new Utf8Lines(new ByteArrayInputStream(text), BUFFER_BYTES);
            while (in.advance()) {
                bh.consume(in.lineEnd());
            }
        }
        count.lines += linesPerPass;
    }

    /** Lines read in the {@code read*} and {@code split*} methods, reported as lines/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class LineCount {
        public long lines;

        @Setup(Level.Iteration)
        public void reset() {
            lines = 0;
        }
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

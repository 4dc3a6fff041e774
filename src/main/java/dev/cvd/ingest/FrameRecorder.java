package dev.cvd.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.cvd.market.EventTime;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;

/**
 * Records received WebSocket frames, verbatim, into rotating gzip files of capture records, one per
 * line:
 *
 * <pre>
 * {"t":"recv","ts":1786309548.629007,"data":"{\"channel\":\"ticker\",...}"}
 * </pre>
 *
 * <p>{@code ts} is the receive time in epoch seconds with exactly six decimals (the microsecond,
 * written from the integer so it reads back exactly); {@code data} is the frame as a JSON string.
 * {@link RecordingReader} reads such files back into the same events the live decoder produced.
 *
 * <p>Files are {@code <prefix>_<yyyyMMdd'T'HHmmss'Z'>_<n>.ndjson.gz} in the folder; a new file is
 * started when the current one holds {@code maxBytes} of uncompressed text or is {@code maxAge}
 * old, checked before each record (a record is never split). A file is complete (its gzip trailer
 * written) once rotated or closed; the file being written is readable up to its last flushed block.
 * Synchronized: frames may be recorded from any thread.
 */
public final class FrameRecorder implements AutoCloseable {

    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final String prefix;
    private final long maxBytes;
    private final long maxAgeNanos;

    private Writer out;
    private boolean closed;
    private Path current;
    private long bytes;
    private long openedNanos;
    private int files;
    private long records;

    /**
     * @param dir folder of the files, created if missing
     * @param prefix file name prefix, for example {@code coinbase}
     * @param maxBytes uncompressed text per file before rotating, at least 1
     * @param maxAge age of a file before rotating, positive
     */
    public FrameRecorder(Path dir, String prefix, long maxBytes, Duration maxAge) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1: " + maxBytes);
        }
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge must be positive: " + maxAge);
        }
        this.maxBytes = maxBytes;
        this.maxAgeNanos = maxAge.toNanos();
    }

    /**
     * Appends one received frame.
     *
     * @param frame the frame text, verbatim
     * @param receiveMicros receive time, UTC microseconds since the epoch
     * @throws UncheckedIOException if the file cannot be written
     * @throws IllegalStateException once the recorder is closed
     */
    public synchronized void record(String frame, long receiveMicros) {
        if (closed) {
            throw new IllegalStateException("the recorder is closed");
        }
        String line = line(frame, receiveMicros);
        try {
            long now = System.nanoTime();
            if (out != null && (bytes >= maxBytes || now - openedNanos >= maxAgeNanos)) {
                closeCurrent();
            }
            if (out == null) {
                open(receiveMicros, now);
            }
            out.write(line);
            out.write('\n');
            bytes += line.length() + 1L;
            records++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record to " + current, e);
        }
    }

    /** One capture record, without its line terminator. */
    public static String line(String frame, long receiveMicros) {
        StringWriter w = new StringWriter(frame.length() + 64);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("t", "recv");
            g.writeFieldName("ts");
            g.writeNumber(epochSeconds(receiveMicros));
            g.writeStringField("data", frame);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return w.toString();
    }

    /** Epoch seconds with six decimals, exact: {@code 1786309548.629007}. */
    static String epochSeconds(long micros) {
        long s = Math.floorDiv(micros, EventTime.MICROS_PER_SECOND);
        long f = Math.floorMod(micros, EventTime.MICROS_PER_SECOND);
        String frac = Long.toString(f);
        return s + "." + "000000".substring(frac.length()) + frac;
    }

    /** Flushes buffered records into the current file's compressed stream. */
    public synchronized void flush() {
        if (out != null) {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot flush " + current, e);
            }
        }
    }

    /** The file being written, or null. */
    public synchronized Path current() {
        return current;
    }

    /** Files started so far. */
    public synchronized int files() {
        return files;
    }

    /** Records written so far. */
    public synchronized long records() {
        return records;
    }

    private void open(long receiveMicros, long now) throws IOException {
        Files.createDirectories(dir);
        String stamp =
                STAMP.format(
                        Instant.ofEpochSecond(
                                Math.floorDiv(receiveMicros, EventTime.MICROS_PER_SECOND)));
        Path file = dir.resolve(prefix + "_" + stamp + "_" + files + ".ndjson.gz");
        out =
                new BufferedWriter(
                        new OutputStreamWriter(
                                new GZIPOutputStream(
                                        Files.newOutputStream(
                                                file,
                                                StandardOpenOption.CREATE_NEW,
                                                StandardOpenOption.WRITE),
                                        1 << 16,
                                        true),
                                StandardCharsets.UTF_8),
                        1 << 16);
        current = file;
        bytes = 0;
        openedNanos = now;
        files++;
    }

    private void closeCurrent() throws IOException {
        Writer w = out;
        out = null;
        if (w != null) {
            w.close();
        }
    }

    /** Completes the current file; nothing more is recorded. */
    @Override
    public synchronized void close() {
        closed = true;
        try {
            closeCurrent();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + current, e);
        }
    }
}

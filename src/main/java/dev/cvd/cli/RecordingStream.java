package dev.cvd.cli;

import dev.cvd.ingest.RecordingListener;
import dev.cvd.ingest.RecordingReader;
import dev.cvd.ingest.Utf8Lines;
import dev.cvd.market.MarketEvent;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Recording files read in the order given as one stream: each file, plain text or gzip (told by its
 * magic bytes), goes line by line through one {@link RecordingReader} into one listener, so that
 * state downstream (a feature engine) carries over from file to file.
 *
 * <p>Counts files, lines and the bytes of the files as stored (compressed bytes for gzip), and
 * drives a {@link Progress} in those bytes. An I/O failure inside a file (a truncated or corrupt
 * gzip stream, typically what a collector killed mid-write leaves behind) does not stop the stream:
 * the lines before the damage have been delivered, the rest of that file is skipped, the file is
 * listed in {@link #damaged()}, and the next file follows. Exceptions thrown by the listener
 * propagate.
 *
 * <p>Not thread-safe: one stream per reading thread.
 */
final class RecordingStream {

    private static final int BUFFER_BYTES = 1 << 16;

    /**
     * A file whose reading stopped early.
     *
     * @param file the file
     * @param lines lines of it that were delivered before the failure
     * @param error what went wrong, one line
     */
    record Damaged(Path file, long lines, String error) {}

    private final RecordingReader reader;
    private final List<Damaged> damaged = new ArrayList<>();
    private int files;
    private long lines;
    private long bytes;

    RecordingStream(RecordingReader reader) {
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    /**
     * Reads the files in order into the listener.
     *
     * @param progress updated per line with the bytes read so far, or null for none
     */
    void readAll(List<Path> recordings, RecordingListener listener, Progress progress) {
        for (Path file : recordings) {
            readOne(file, listener, progress);
        }
    }

    private void readOne(Path file, RecordingListener listener, Progress progress) {
        files++;
        long bytesBefore = bytes;
        CountingInputStream counted = null;
        Utf8Lines lineReader = null;
        try (InputStream raw = Files.newInputStream(file)) {
            counted = new CountingInputStream(raw);
            BufferedInputStream in = new BufferedInputStream(counted, BUFFER_BYTES);
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            InputStream text =
                    b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in, BUFFER_BYTES) : in;
            lineReader = new Utf8Lines(text, BUFFER_BYTES);
            // The reader takes the line reader itself, not a wrapper: it decodes the common lines
            // from its bytes.
            reader.read(
                    lineReader,
                    progress == null
                            ? listener
                            : new ProgressListener(
                                    listener, lineReader, counted, bytesBefore, lines, progress));
        } catch (IOException e) {
            long delivered = lineReader == null ? 0 : lineReader.lines();
            damaged.add(new Damaged(file, delivered, describe(e)));
        } finally {
            if (lineReader != null) {
                lines += lineReader.lines();
            }
            if (counted != null) {
                bytes = bytesBefore + counted.count();
            }
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        String kind = e.getClass().getSimpleName();
        if (e instanceof java.io.EOFException) {
            kind = "truncated";
        } else if (e instanceof java.util.zip.ZipException) {
            kind = "corrupt gzip";
        }
        return message == null || message.isBlank() ? kind : kind + ": " + message;
    }

    /** Files opened so far, damaged ones included. */
    int files() {
        return files;
    }

    /** Lines delivered to the reader so far. */
    long lines() {
        return lines;
    }

    /** Bytes of the files as stored, read so far. */
    long bytes() {
        return bytes;
    }

    /** Files whose reading stopped early, in the order met. */
    List<Damaged> damaged() {
        return Collections.unmodifiableList(damaged);
    }

    /**
     * Passes each outcome on, then reports progress: the stored bytes read so far and the lines
     * handed out. Every line has an outcome, so progress moves at least once a line.
     */
    private static final class ProgressListener implements RecordingListener {
        private final RecordingListener listener;
        private final Utf8Lines in;
        private final CountingInputStream counted;
        private final long bytesBefore;
        private final long linesBefore;
        private final Progress progress;

        ProgressListener(
                RecordingListener listener,
                Utf8Lines in,
                CountingInputStream counted,
                long bytesBefore,
                long linesBefore,
                Progress progress) {
            this.listener = listener;
            this.in = in;
            this.counted = counted;
            this.bytesBefore = bytesBefore;
            this.linesBefore = linesBefore;
            this.progress = progress;
        }

        @Override
        public void onEvent(MarketEvent event) {
            listener.onEvent(event);
            update();
        }

        @Override
        public void onIgnored(String reason) {
            listener.onIgnored(reason);
            update();
        }

        @Override
        public void onRejected(String reason, String line) {
            listener.onRejected(reason, line);
            update();
        }

        private void update() {
            progress.update(bytesBefore + counted.count(), linesBefore + in.lines());
        }
    }
}

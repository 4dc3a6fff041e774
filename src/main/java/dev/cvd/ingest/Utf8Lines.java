package dev.cvd.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Lines of UTF-8 text read straight from bytes: what {@link java.io.BufferedReader#readLine()} over
 * an {@link java.io.InputStreamReader} gives (terminated by {@code \n}, {@code \r} or {@code \r\n};
 * the last line may lack one; malformed UTF-8 becomes U+FFFD), without decoding the whole stream to
 * chars first. Recording lines are ASCII nearly always, and a line's bytes become its String in one
 * copy. A line may be as long as memory allows. Not thread-safe.
 *
 * <p>{@link RecordingReader} does not need a String for most lines: it moves from line to line with
 * {@link #advance()} and decodes the line's bytes where they lie in the buffer ({@link #buffer()},
 * {@link #lineStart()}, {@link #lineEnd()}), asking for the String ({@link #line()}) only for a
 * line its byte decoder leaves to the text decoders. {@link #next()} is both steps in one.
 */
public final class Utf8Lines implements RecordingReader.Lines {

    private final InputStream in;
    private byte[] buf;

    /** The unread bytes are {@code buf[start, end)}. */
    private int start;

    private int end;
    private boolean eof;

    /** The last line ended with {@code \r}: a {@code \n} right after it belongs to it. */
    private boolean skipLf;

    /** The current line is {@code buf[lineStart, lineEnd)}, without its terminator. */
    private int lineStart;

    private int lineEnd;

    private long lines;

    /**
     * @param in the stream, read in chunks of up to {@code bufferBytes}; not closed here
     */
    public Utf8Lines(InputStream in, int bufferBytes) {
        this.in = in;
        this.buf = new byte[Math.max(bufferBytes, 16)];
    }

    @Override
    public String next() throws IOException {
        return advance() ? line() : null;
    }

    /** Lines handed out so far, by {@link #next()} or {@link #advance()}. */
    public long lines() {
        return lines;
    }

    /**
     * Moves to the next line, whose bytes are then {@code buffer()[lineStart(), lineEnd())} until
     * the next call (a refill moves them).
     *
     * @return false at the end of the stream
     */
    boolean advance() throws IOException {
        if (skipLf) {
            if (start == end && !eof) {
                fill();
            }
            if (start < end && buf[start] == '\n') {
                start++;
            }
            skipLf = false;
        }
        int scanned = 0; // bytes after start known to hold no terminator
        while (true) {
            int i = terminator(buf, start + scanned, end);
            if (i >= 0) {
                skipLf = buf[i] == '\r';
                return found(i, i + 1);
            }
            if (eof) {
                return start < end && found(end, end);
            }
            scanned = end - start;
            fill();
        }
    }

    /** Makes {@code buf[start, lineEnd)} the current line and resumes reading at {@code next}. */
    private boolean found(int lineEnd, int next) {
        this.lineStart = start;
        this.lineEnd = lineEnd;
        start = next;
        lines++;
        return true;
    }

    /** The buffer that holds the current line. */
    byte[] buffer() {
        return buf;
    }

    /** Where the current line starts in {@link #buffer()}. */
    int lineStart() {
        return lineStart;
    }

    /** Where the current line ends in {@link #buffer()}, before its terminator. */
    int lineEnd() {
        return lineEnd;
    }

    /** The current line as text: what {@link #next()} would have returned for it. */
    String line() {
        return new String(buf, lineStart, lineEnd - lineStart, StandardCharsets.UTF_8);
    }

    /**
     * The position of the first {@code \n} or {@code \r} in {@code b[from, to)}, or -1. Looks at
     * eight bytes at a time: a corpus line is some 600 bytes, and testing them one by one took
     * about 250 ns a line, against 40 ns this way.
     */
    static int terminator(byte[] b, int from, int to) {
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            // Both terminators are below 0x0E: a word without such a byte holds none, a word with
            // one is looked at byte by byte (tabs are below 0x0E too).
            if (ByteWords.below(ByteWords.word(b, i), 0x0E) != 0) {
                for (int j = i; j < i + Long.BYTES; j++) {
                    if (b[j] == '\n' || b[j] == '\r') {
                        return j;
                    }
                }
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n' || b[i] == '\r') {
                return i;
            }
        }
        return -1;
    }

    /** Moves the unread bytes to the front, grows the buffer if they fill it, reads more. */
    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
            eof = true;
        } else {
            end += n;
        }
    }
}

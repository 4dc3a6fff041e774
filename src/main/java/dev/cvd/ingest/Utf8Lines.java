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

    /**
     * @param in the stream, read in chunks of up to {@code bufferBytes}; not closed here
     */
    public Utf8Lines(InputStream in, int bufferBytes) {
        this.in = in;
        this.buf = new byte[Math.max(bufferBytes, 16)];
    }

    @Override
    public String next() throws IOException {
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
            byte[] b = buf;
            for (int i = start + scanned; i < end; i++) {
                byte c = b[i];
                if (c == '\n' || c == '\r') {
                    String line = new String(b, start, i - start, StandardCharsets.UTF_8);
                    start = i + 1;
                    skipLf = c == '\r';
                    return line;
                }
            }
            if (eof) {
                if (start == end) {
                    return null;
                }
                String line = new String(b, start, end - start, StandardCharsets.UTF_8);
                start = end;
                return line;
            }
            scanned = end - start;
            fill();
        }
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

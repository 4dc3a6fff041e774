package dev.cvd.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress line on stderr for long command-line work: a bar redrawn in place on a terminal, a
 * plain line every few seconds otherwise (logs, CI). Quiet for work that ends within a second. Not
 * thread-safe: updated by the working thread only.
 */
final class Progress {

    private static final long FIRST_DRAW_NANOS = 1_000_000_000L;
    private static final long TERMINAL_PERIOD_NANOS = 200_000_000L;
    private static final long LOG_PERIOD_NANOS = 5_000_000_000L;
    private static final int BAR_WIDTH = 30;

    private final PrintWriter out;
    private final String what;
    private final long total;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long nextDraw = start + FIRST_DRAW_NANOS;
    private boolean drawn;

    /**
     * @param what a noun for the unit of work counted in {@link #update}, e.g. "events"
     * @param total the total in bytes, or 0 when unknown
     */
    Progress(PrintStream out, String what, long total) {
        this(new PrintWriter(out, true), what, total);
    }

    /**
     * @param out where the progress goes, for example picocli's error writer
     * @param what a noun for the unit of work counted in {@link #update}, e.g. "lines"
     * @param total the total in bytes, or 0 when unknown
     */
    Progress(PrintWriter out, String what, long total) {
        this.out = out;
        this.what = what;
        this.total = total;
        this.terminal = System.console() != null;
    }

    /** Cheap enough to call per event: draws only when its period has passed. */
    void update(long doneBytes, long count) {
        long now = System.nanoTime();
        if (now < nextDraw) {
            return;
        }
        nextDraw = now + (terminal ? TERMINAL_PERIOD_NANOS : LOG_PERIOD_NANOS);
        double seconds = (now - start) / 1e9;
        String rate = String.format(Locale.ROOT, "%,.0f %s/s", count / seconds, what);
        String line;
        if (total > 0) {
            double fraction = Math.min(1.0, doneBytes / (double) total);
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            line =
                    String.format(
                            Locale.ROOT,
                            "[%s%s] %3.0f%%  %,d %s  %s",
                            "#".repeat(filled),
                            " ".repeat(BAR_WIDTH - filled),
                            fraction * 100,
                            count,
                            what,
                            rate);
        } else {
            line = String.format(Locale.ROOT, "%,d %s  %s", count, what, rate);
        }
        if (terminal) {
            out.print("\r" + line);
        } else {
            out.println(line);
        }
        out.flush();
        drawn = true;
    }

    /** Clears the bar so the summary starts on a clean line. */
    void finish() {
        if (drawn && terminal) {
            out.print("\r" + " ".repeat(BAR_WIDTH + 60) + "\r");
            out.flush();
        }
    }
}

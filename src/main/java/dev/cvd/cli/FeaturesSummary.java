package dev.cvd.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a {@code cvd features} run read and wrote, as printed on stderr at its end.
 *
 * @param files recording files read (damaged ones included)
 * @param lines lines read
 * @param bytes bytes of the files as stored (compressed for gzip)
 * @param quotes quote events decoded
 * @param trades trade events decoded
 * @param bookUpdates book update events decoded
 * @param ignoredLines lines without market data by design, by reason
 * @param rejectedLines lines that could not be decoded, by reason
 * @param engineRejected events the feature engine rejected (invalid quotes or trades), by reason
 * @param rows feature rows written
 * @param out the output file
 * @param damaged files whose reading stopped early
 * @param elapsedNanos wall time of the run
 */
record FeaturesSummary(
        int files,
        long lines,
        long bytes,
        long quotes,
        long trades,
        long bookUpdates,
        Map<String, Long> ignoredLines,
        Map<String, Long> rejectedLines,
        Map<String, Long> engineRejected,
        long rows,
        Path out,
        List<RecordingStream.Damaged> damaged,
        long elapsedNanos) {

    FeaturesSummary {
        ignoredLines = Map.copyOf(ignoredLines);
        rejectedLines = Map.copyOf(rejectedLines);
        engineRejected = Map.copyOf(engineRejected);
        damaged = List.copyOf(damaged);
    }

    /** The summary, one item per line, for example {@code written: 3,996 rows to out.parquet}. */
    List<String> report() {
        List<String> out = new ArrayList<>();
        out.add(
                String.format(
                        Locale.ROOT,
                        "features: %s, %s, %s in %.2f s",
                        count(files, "file"),
                        count(lines, "line"),
                        size(bytes),
                        elapsedNanos / 1e9));
        out.add(
                "  events read: "
                        + count(quotes, "quote")
                        + ", "
                        + count(trades, "trade")
                        + ", "
                        + count(bookUpdates, "book update"));
        out.add("  written: " + count(rows, "row") + " to " + this.out);
        out.add("  ignored lines: " + byReason(ignoredLines));
        out.add("  rejected lines: " + byReason(rejectedLines));
        out.add("  rejected by the engine: " + byReason(engineRejected));
        for (RecordingStream.Damaged d : damaged) {
            out.add(
                    String.format(
                            Locale.ROOT,
                            "  damaged file: %s, rest skipped after %,d lines (%s)",
                            d.file(),
                            d.lines(),
                            d.error()));
        }
        return out;
    }

    /** {@code none}, or {@code a 2, b 1 (3 in all)} sorted by reason. */
    static String byReason(Map<String, Long> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        String items =
                counts.entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .map(e -> String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue()))
                        .collect(Collectors.joining(", "));
        return counts.size() == 1
                ? items
                : items + String.format(Locale.ROOT, " (%,d in all)", total);
    }

    /** {@code 1 row}, {@code 3,996 rows}. */
    private static String count(long n, String noun) {
        return String.format(Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
    }

    private static String size(long bytes) {
        if (bytes < 10_000) {
            return String.format(Locale.ROOT, "%,d bytes", bytes);
        }
        if (bytes < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}

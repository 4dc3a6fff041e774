package dev.cvd.cli;

import dev.cvd.ingest.FieldMapping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of every command that reads recordings (a picocli mixin): how flat rows from other
 * collectors name their columns, and the checks that the recording files are readable.
 */
public final class RecordingOptions {

    @Option(
            names = "--product",
            paramLabel = "ID",
            description = "Product id of flat rows that carry none, e.g. BTC-USD.")
    String product;

    @Option(
            names = "--field",
            paramLabel = "NAME=COLUMN",
            description = {
                "Read a logical field from a column of another name; repeatable."
                        + " NAME is one of product, time, bid, bid_qty, ask, ask_qty, price,"
                        + " size, side; COLUMN may list alternatives as a|b."
            })
    List<String> fields = new ArrayList<>();

    /**
     * The field mapping the options describe.
     *
     * @throws IllegalArgumentException with a one-line message for a bad {@code --field}
     */
    FieldMapping mapping() {
        return FieldMapping.parse(fields, product);
    }

    /** Why a recording cannot be read, or null if it can. */
    static String unreadable(Path file) {
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (Files.isDirectory(file)) {
            return "is a directory";
        }
        if (!Files.isReadable(file)) {
            return "permission denied";
        }
        return null;
    }

    /**
     * The first problem with a list of recordings, as {@code cannot read recording FILE: why}, or
     * null when all can be read.
     */
    static String firstUnreadable(List<Path> files) {
        for (Path f : files) {
            String problem = unreadable(f);
            if (problem != null) {
                return "cannot read recording " + f + ": " + problem;
            }
        }
        return null;
    }

    /**
     * Stored bytes of the files (compressed for gzip), for progress; 0 for a file it cannot size.
     */
    static long totalBytes(List<Path> files) {
        long total = 0;
        for (Path f : files) {
            try {
                total += Files.size(f);
            } catch (IOException e) {
                // Progress then shows less than 100%; reading reports the real problem.
            }
        }
        return total;
    }
}

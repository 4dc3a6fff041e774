package dev.cvd.cli;

import dev.cvd.features.FeatureEngine;
import dev.cvd.features.FeatureParquetWriter;
import dev.cvd.features.FeatureRowSink;
import dev.cvd.ingest.FieldMapping;
import dev.cvd.ingest.RecordingListener;
import dev.cvd.ingest.RecordingReader;
import dev.cvd.ingest.RejectTally;
import dev.cvd.market.MarketEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cvd features RECORDING... --out FILE.parquet}: contract v1 feature rows of recordings,
 * offline.
 *
 * <p>The recordings are read in the order given as one stream ({@link RecordingStream}) through one
 * {@link RecordingReader} and one {@link FeatureEngine} into a {@link FeatureParquetWriter}. The
 * Parquet file is written beside the output under a temporary name and renamed at the end, so a
 * failed or interrupted run leaves no half-written output (and an earlier output stays as it was).
 * Progress and the summary go to stderr; stdout stays clean.
 *
 * <p>Bad input never stops a run: undecodable lines are counted by reason, invalid quotes and
 * trades are counted by the engine, and a file that breaks off mid-way (a truncated or corrupt gzip
 * stream) keeps the lines before the damage, is reported, and the next file follows. Exit codes: 0
 * done (damaged files, if any, are reported on stderr), 1 failure while writing, 2 bad arguments
 * (unknown option, unreadable recording, bad {@code --field}, unusable output path).
 *
 * <p>A plain picocli command with no injected state: tests run it with {@code new CommandLine(new
 * FeaturesCommand()).execute(...)}.
 */
@Command(
        name = "features",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Computes feature contract v1 rows of recordings into a Parquet file.",
            "Recordings (plain or gzip, any format cvd reads) are read in the order given as one"
                    + " stream; progress and a summary go to stderr."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done (damaged input files, if any, are reported)",
            "1:failure while writing the output",
            "2:bad arguments: unreadable recording, bad --field, unusable --out"
        })
public class FeaturesCommand implements Callable<Integer> {

    /** Exit code of a completed run. */
    static final int EXIT_OK = 0;

    /** Exit code of a run that failed while writing. */
    static final int EXIT_FAILURE = 1;

    /** Exit code of bad arguments, the same as picocli's for a usage error. */
    static final int EXIT_USAGE = 2;

    private static final String NAME = "cvd features";

    @Spec CommandSpec spec;

    @Parameters(
            paramLabel = "RECORDING",
            arity = "1..*",
            description = "Recording files, plain or gzip, read in this order as one stream.")
    List<Path> recordings = new ArrayList<>();

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE.parquet",
            description = "The Parquet file to write (replaced if it exists).")
    Path out;

    @Mixin RecordingOptions recordingOptions = new RecordingOptions();

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress and no summary; errors and damaged files still reported.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(err);
        } finally {
            err.flush();
        }
    }

    private int run(PrintWriter err) {
        FieldMapping mapping;
        try {
            mapping = recordingOptions.mapping();
        } catch (IllegalArgumentException e) {
            return usageError(err, e.getMessage());
        }
        String unreadable = RecordingOptions.firstUnreadable(recordings);
        if (unreadable != null) {
            return usageError(err, unreadable);
        }
        long totalBytes = RecordingOptions.totalBytes(recordings);
        String outProblem = unusableOutput(out);
        if (outProblem != null) {
            return usageError(err, "cannot write " + out + ": " + outProblem);
        }

        Path target = out.toAbsolutePath().normalize();
        Path temp;
        try {
            Files.createDirectories(target.getParent());
            // Not Files.createTempFile: its owner-only permissions would stick to the output.
            temp =
                    target.resolveSibling(
                            "."
                                    + target.getFileName()
                                    + "."
                                    + ProcessHandle.current().pid()
                                    + "-"
                                    + Long.toHexString(System.nanoTime())
                                    + ".tmp");
            Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW).close();
        } catch (IOException e) {
            return usageError(err, "cannot write " + out + ": " + describe(e));
        }
        Thread cleanup = new Thread(() -> deleteQuietly(temp), "cvd-features-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            FeaturesSummary summary = write(mapping, temp, totalBytes, err);
            moveIntoPlace(temp, target);
            for (RecordingStream.Damaged d : summary.damaged()) {
                err.printf(
                        "%s: warning: %s is damaged; kept its first %,d lines, skipped the rest"
                                + " (%s)%n",
                        NAME, d.file(), d.lines(), d.error());
            }
            if (!quiet) {
                summary.report().forEach(err::println);
                if (summary.rows() == 0) {
                    err.println(
                            "  no valid quote in the input, so no rows: contract v1 emits one"
                                    + " row per valid quote (trades alone give none)");
                }
            }
            return EXIT_OK;
        } catch (IOException | UncheckedIOException e) {
            err.println(NAME + ": failed writing " + out + ": " + describe(e));
            return EXIT_FAILURE;
        } finally {
            deleteQuietly(temp);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // The hook deletes the temporary file itself.
            }
        }
    }

    /** Reads every recording into the temporary Parquet file and closes it. */
    private FeaturesSummary write(FieldMapping mapping, Path temp, long totalBytes, PrintWriter err)
            throws IOException {
        long start = System.nanoTime();
        FeatureEngine engine = new FeatureEngine();
        RecordingStream stream = new RecordingStream(new RecordingReader(mapping));
        Progress progress = quiet ? null : new Progress(err, "lines", totalBytes);
        RejectTally tally;
        long rows;
        try (FeatureParquetWriter writer = FeatureParquetWriter.create(temp)) {
            tally = new RejectTally(new EngineFeed(engine, writer));
            stream.readAll(recordings, tally, progress);
            rows = writer.rows();
        } finally {
            if (progress != null) {
                progress.finish();
            }
        }
        return new FeaturesSummary(
                stream.files(),
                stream.lines(),
                stream.bytes(),
                tally.quotes(),
                tally.trades(),
                tally.bookUpdates(),
                tally.ignored(),
                tally.rejected(),
                engine.rejectedByReason(),
                rows,
                out,
                stream.damaged(),
                System.nanoTime() - start);
    }

    /** Hands decoded events to the engine; the tally in front of it counts the lines. */
    private static final class EngineFeed implements RecordingListener {
        private final FeatureEngine engine;
        private final FeatureRowSink sink;

        EngineFeed(FeatureEngine engine, FeatureParquetWriter writer) {
            this.engine = engine;
            this.sink = (p, t, v) -> writer.accept(p, t, v, engine.rowMid());
        }

        @Override
        public void onEvent(MarketEvent event) {
            engine.accept(event, sink);
        }

        @Override
        public void onRejected(String reason, String line) {}
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(
                    temp,
                    target,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private int usageError(PrintWriter err, String message) {
        err.println(NAME + ": " + message);
        return EXIT_USAGE;
    }

    /** Why the output path cannot be written, or null if it may be. */
    private String unusableOutput(Path file) {
        if (Files.isDirectory(file)) {
            return "is a directory";
        }
        if (Files.exists(file)) {
            for (Path recording : recordings) {
                try {
                    if (Files.isSameFile(file, recording)) {
                        return "is also a recording to read";
                    }
                } catch (IOException e) {
                    // Unreadable paths were ruled out before; not the same file then.
                }
            }
        }
        return null;
    }

    private static String describe(Exception e) {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (cause instanceof NoSuchFileException n) {
            return "no such file or folder " + n.getFile();
        }
        if (cause instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (cause instanceof FileAlreadyExistsException f) {
            return "not a folder: " + f.getFile();
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Nothing more to do: the name marks it as temporary.
        }
    }
}

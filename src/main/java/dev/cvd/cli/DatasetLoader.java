package dev.cvd.cli;

import dev.cvd.ingest.FieldMapping;
import dev.cvd.ingest.RecordingReader;
import dev.cvd.training.Dataset;
import dev.cvd.training.DatasetBuilder;
import dev.cvd.training.DatasetException;
import dev.cvd.training.FeatureFileReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the labelled dataset of {@code cvd train} and {@code cvd evaluate} from their inputs:
 * recordings read in the order given as one stream (with a progress bar on stderr), or one feature
 * Parquet file. Problems with the inputs are {@link DatasetException}s with a one-line message.
 */
final class DatasetLoader {

    private DatasetLoader() {}

    /**
     * @param inputs recordings, or exactly one {@code .parquet} feature file
     * @param err where progress and warnings go
     * @param quiet no progress
     * @param name the command's name, for warnings
     */
    static Dataset load(
            List<Path> inputs, FieldMapping mapping, PrintWriter err, boolean quiet, String name)
            throws IOException {
        long totalBytes = 0;
        long parquet = inputs.stream().filter(FeatureFileReader::isParquet).count();
        for (Path input : inputs) {
            if (!Files.exists(input)) {
                throw new DatasetException("cannot read " + input + ": no such file");
            }
            if (Files.isDirectory(input)) {
                throw new DatasetException("cannot read " + input + ": is a directory");
            }
            if (!Files.isReadable(input)) {
                throw new DatasetException("cannot read " + input + ": permission denied");
            }
            totalBytes += Files.size(input);
        }
        DatasetBuilder builder = new DatasetBuilder();
        if (parquet > 0) {
            if (inputs.size() != 1) {
                throw new DatasetException(
                        "give either recordings or one feature .parquet file, not both or several");
            }
            try {
                FeatureFileReader.read(inputs.get(0), builder);
            } catch (RuntimeException e) {
                if (e instanceof DatasetException) {
                    throw e;
                }
                throw new DatasetException(
                        "cannot read " + inputs.get(0) + " as a feature file: " + e.getMessage());
            }
            return builder.build();
        }
        RecordingStream stream = new RecordingStream(new RecordingReader(mapping));
        Progress progress = quiet ? null : new Progress(err, "lines", totalBytes);
        try {
            stream.readAll(inputs, builder, progress);
        } finally {
            if (progress != null) {
                progress.finish();
            }
        }
        for (RecordingStream.Damaged d : stream.damaged()) {
            err.printf(
                    "%s: warning: %s is damaged; kept its first %,d lines, skipped the rest (%s)%n",
                    name, d.file(), d.lines(), d.error());
        }
        return builder.build();
    }
}

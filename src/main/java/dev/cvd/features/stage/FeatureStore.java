package dev.cvd.features.stage;

import dev.cvd.features.FeatureParquetWriter;
import dev.cvd.market.EventTime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The Parquet feature store: rows partitioned by UTC date of their event time and by product, in
 * {@code root/date=YYYY-MM-DD/product=ID/part-<opened-millis>-<seq>.parquet}.
 *
 * <p>A file is written as {@code *.parquet.inprogress} and renamed when it is closed, so every
 * {@code *.parquet} file is complete. A file rolls after {@code maxRows} rows or {@code
 * maxAgeNanos} of wall time, when its date changes, and on {@link #close()} (shutdown flush).
 * Thread-safe: all methods synchronize on the store.
 */
public final class FeatureStore implements AutoCloseable {

    private record Key(long epochDay, String productId) {}

    private static final class Open {
        final Path inProgress;
        final Path target;
        final FeatureParquetWriter writer;
        final long openedNanos;

        Open(Path inProgress, Path target, FeatureParquetWriter writer, long openedNanos) {
            this.inProgress = inProgress;
            this.target = target;
            this.writer = writer;
            this.openedNanos = openedNanos;
        }
    }

    private final Path root;
    private final long maxRows;
    private final long maxAgeNanos;
    private final LongSupplier nanoClock;
    private final Map<Key, Open> open = new HashMap<>();
    private final List<Path> completed = new ArrayList<>();
    private long sequence;

    public FeatureStore(Path root, long maxRows, long maxAgeNanos) {
        this(root, maxRows, maxAgeNanos, System::nanoTime);
    }

    FeatureStore(Path root, long maxRows, long maxAgeNanos, LongSupplier nanoClock) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        if (maxAgeNanos < 1) {
            throw new IllegalArgumentException("maxAge must be positive");
        }
        this.root = Objects.requireNonNull(root, "root");
        this.maxRows = maxRows;
        this.maxAgeNanos = maxAgeNanos;
        this.nanoClock = nanoClock;
    }

    /**
     * Appends one row (the values array is read before returning).
     *
     * @param mid the quote's mid price, stored beside the features for labels
     */
    public synchronized void write(String productId, long timeMicros, double[] values, double mid) {
        long day = Math.floorDiv(timeMicros, 86_400L * EventTime.MICROS_PER_SECOND);
        Key key = new Key(day, productId);
        Open file = open.get(key);
        if (file == null) {
            closeDays(productId);
            file = openFile(key);
            open.put(key, file);
        }
        try {
            file.writer.accept(productId, timeMicros, values, mid);
        } catch (RuntimeException e) {
            // The product's next row opens a new file. This one is finished if its writer can
            // still finish it (the row was refused before any of it was written); a writer that
            // failed midway refuses, and the file stays behind as .inprogress, never renamed.
            open.remove(key);
            try {
                finish(file);
            } catch (RuntimeException finishing) {
                e.addSuppressed(finishing);
            }
            throw e;
        }
        if (file.writer.rows() >= maxRows) {
            open.remove(key);
            finish(file);
        }
    }

    /** Closes files older than the maximum age. Called periodically. */
    public synchronized void rollAged() {
        long now = nanoClock.getAsLong();
        finishWhere(e -> now - e.getValue().openedNanos >= maxAgeNanos);
    }

    /** The complete files written so far, in the order they were closed. */
    public synchronized List<Path> completedFiles() {
        return List.copyOf(completed);
    }

    /** Closes every open file (the shutdown flush). */
    @Override
    public synchronized void close() {
        // Every file gets its chance even if one fails; the first failure is rethrown.
        RuntimeException first = null;
        for (Open file : open.values()) {
            try {
                finish(file);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }

    /** A product's earlier-day file is done once a row of a later day arrives. */
    private void closeDays(String productId) {
        finishWhere(e -> e.getKey().productId().equals(productId));
    }

    /**
     * Finishes the open files that match, each taken out of the open set first so that one that
     * fails is not tried again; the first failure is rethrown once all were tried.
     */
    private void finishWhere(Predicate<Map.Entry<Key, Open>> which) {
        List<Open> done = new ArrayList<>();
        open.entrySet()
                .removeIf(
                        e -> {
                            if (which.test(e)) {
                                done.add(e.getValue());
                                return true;
                            }
                            return false;
                        });
        RuntimeException first = null;
        for (Open file : done) {
            try {
                finish(file);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private Open openFile(Key key) {
        Path dir =
                root.resolve("date=" + LocalDate.ofEpochDay(key.epochDay()))
                        .resolve("product=" + safe(key.productId()));
        String name = "part-" + System.currentTimeMillis() + "-" + (sequence++) + ".parquet";
        Path target = dir.resolve(name);
        Path inProgress = dir.resolve(name + ".inprogress");
        try {
            return new Open(
                    inProgress,
                    target,
                    FeatureParquetWriter.create(inProgress),
                    nanoClock.getAsLong());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + inProgress, e);
        }
    }

    private void finish(Open file) {
        try {
            file.writer.close();
            Files.move(file.inProgress, file.target, StandardCopyOption.ATOMIC_MOVE);
            completed.add(file.target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot complete " + file.target, e);
        }
    }

    /** Product ids are like BTC-USD; anything that could escape the folder is replaced. */
    private static String safe(String productId) {
        return productId.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}

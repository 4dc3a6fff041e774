package dev.cvd.training;

import dev.cvd.features.FeatureContract;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Labelled feature rows in chronological order: product, quote time, the contract v1 features and
 * the label {@code fwd_rv_60s}. Rows without a label are not in it; {@link #unlabelled()} counts
 * them.
 *
 * <p>Rows are sorted by time; rows of equal time keep their arrival order. Immutable once built
 * (the arrays are not exposed for writing); safe to share between threads.
 */
public final class Dataset {

    private final String[] products;
    private final long[] times;
    private final double[][] features;
    private final double[] labels;
    private final long featureRows;
    private final long unlabelled;
    private final Map<String, Long> rejected;

    /**
     * @param products product per row
     * @param times quote time per row, UTC microseconds, non-decreasing
     * @param features contract v1 values per row, each {@code FeatureContract.SIZE} long
     * @param labels {@code fwd_rv_60s} per row, finite
     * @param featureRows feature rows built before unlabelled rows were dropped
     * @param unlabelled rows dropped because their label is undefined
     * @param rejected rejected input by reason (lines and events), for reports
     */
    Dataset(
            String[] products,
            long[] times,
            double[][] features,
            double[] labels,
            long featureRows,
            long unlabelled,
            Map<String, Long> rejected) {
        int n = times.length;
        if (products.length != n || features.length != n || labels.length != n) {
            throw new IllegalArgumentException("columns differ in length");
        }
        for (int i = 1; i < n; i++) {
            if (times[i] < times[i - 1]) {
                throw new IllegalArgumentException("rows are not in time order at " + i);
            }
        }
        this.products = products;
        this.times = times;
        this.features = features;
        this.labels = labels;
        this.featureRows = featureRows;
        this.unlabelled = unlabelled;
        this.rejected = Map.copyOf(Objects.requireNonNull(rejected, "rejected"));
    }

    /**
     * @return number of labelled rows
     */
    public int size() {
        return times.length;
    }

    public String product(int row) {
        return products[row];
    }

    /**
     * @return the row's quote time, UTC microseconds
     */
    public long timeMicros(int row) {
        return times[row];
    }

    /**
     * @return one feature of a row, by contract column index; NaN where missing
     */
    public double feature(int row, int column) {
        return features[row][column];
    }

    /**
     * @return the row's {@code fwd_rv_60s}
     */
    public double label(int row) {
        return labels[row];
    }

    /**
     * @return feature rows built from the input, labelled or not
     */
    public long featureRows() {
        return featureRows;
    }

    /**
     * @return rows dropped because their label is undefined (the last 60 s of each segment)
     */
    public long unlabelled() {
        return unlabelled;
    }

    /**
     * @return rejected input lines and events by reason, in a stable order
     */
    public Map<String, Long> rejected() {
        return new LinkedHashMap<>(new TreeMap<>(rejected));
    }

    /**
     * The data fingerprint, {@code "sha256:<hex>"}: SHA-256 over the labelled rows in dataset
     * order, each encoded as the product id in UTF-8, a zero byte, the time as a big-endian 64-bit
     * integer, then the {@code FeatureContract.SIZE} features and the label as big-endian IEEE 754
     * doubles (NaN in its canonical form). It identifies the rows a model saw, whatever files,
     * compression or file names they came from: the same recordings, or a feature file with the
     * same rows, give the same fingerprint.
     */
    public String fingerprint() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        ByteBuffer buf = ByteBuffer.allocate(8 * (2 + FeatureContract.SIZE));
        String lastProduct = null;
        byte[] productBytes = new byte[0];
        for (int i = 0; i < size(); i++) {
            if (!products[i].equals(lastProduct)) {
                lastProduct = products[i];
                productBytes = lastProduct.getBytes(StandardCharsets.UTF_8);
            }
            sha.update(productBytes);
            sha.update((byte) 0);
            double[] row = features[i];
            buf.clear();
            buf.putLong(times[i]);
            for (double v : row) {
                buf.putLong(Double.doubleToLongBits(v));
            }
            buf.putLong(Double.doubleToLongBits(labels[i]));
            buf.flip();
            sha.update(buf);
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }
}

package dev.cvd.training;

import dev.cvd.features.FeatureContract;
import dev.cvd.features.FeatureEngine;
import dev.cvd.features.FeatureRowSink;
import dev.cvd.features.ForwardVolatilityLabeler;
import dev.cvd.ingest.FieldMapping;
import dev.cvd.ingest.RecordingListener;
import dev.cvd.ingest.RecordingReader;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a {@link Dataset} from market events with the very same {@link FeatureEngine} that the
 * service runs, and labels the rows with {@link ForwardVolatilityLabeler}.
 *
 * <p>Events go through one engine in the order given (several recordings read one after the other
 * are one stream, as in {@code cvd features}). Each feature row is kept with its quote's mid price;
 * after the last event, each product's rows are labelled, unlabelled rows are dropped (counted) and
 * the rest are merged in time order. Memory: one row (28 doubles) per valid quote. Not thread-safe.
 */
public final class DatasetBuilder implements RecordingListener {

    private final FeatureEngine engine = new FeatureEngine();
    private final Map<String, ProductRows> products = new LinkedHashMap<>();
    private final Map<String, Long> rejectedLines = new TreeMap<>();
    private long sequence;
    private double currentMid;
    private final FeatureRowSink sink = this::keep;
    private final FeatureRowSink discard = (product, time, values) -> {};

    /**
     * Reads recordings in the order given, as one stream, and builds their dataset.
     *
     * @throws IOException if a file cannot be read
     */
    public static Dataset fromRecordings(List<Path> recordings, FieldMapping mapping)
            throws IOException {
        DatasetBuilder builder = new DatasetBuilder();
        RecordingReader reader = new RecordingReader(mapping);
        for (Path file : recordings) {
            reader.read(file, builder);
        }
        return builder.build();
    }

    @Override
    public void onEvent(MarketEvent event) {
        if (event instanceof Quote q) {
            currentMid = (q.bid() + q.ask()) / 2;
            engine.accept(q, sink);
        } else {
            engine.accept(event, discard);
        }
    }

    @Override
    public void onRejected(String reason, String line) {
        rejectedLines.merge(reason, 1L, Long::sum);
    }

    /**
     * Adds one feature row with its quote's mid, as read from a feature file.
     *
     * @param values the contract v1 values; copied
     */
    public void addRow(String productId, long timeMicros, double[] values, double mid) {
        currentMid = mid;
        keep(productId, timeMicros, values);
    }

    private void keep(String productId, long timeMicros, double[] values) {
        products.computeIfAbsent(productId, ProductRows::new)
                .add(timeMicros, currentMid, values.clone(), sequence++);
    }

    /**
     * Labels the rows received so far and returns the labelled ones in time order.
     *
     * @throws IllegalStateException if a product's rows are not in time order
     */
    public Dataset build() {
        List<ProductRows> all = new ArrayList<>(products.values());
        long featureRows = 0;
        int labelled = 0;
        List<double[]> labels = new ArrayList<>();
        for (ProductRows p : all) {
            featureRows += p.size;
            double[] l =
                    ForwardVolatilityLabeler.label(
                            Arrays.copyOf(p.times, p.size), Arrays.copyOf(p.mids, p.size));
            labels.add(l);
            for (double v : l) {
                if (!Double.isNaN(v)) {
                    labelled++;
                }
            }
        }
        // Merge the products' labelled rows by (time, arrival order).
        long[][] keys = new long[labelled][];
        int n = 0;
        for (int pi = 0; pi < all.size(); pi++) {
            ProductRows p = all.get(pi);
            double[] l = labels.get(pi);
            for (int i = 0; i < p.size; i++) {
                if (!Double.isNaN(l[i])) {
                    keys[n++] = new long[] {p.times[i], p.sequence[i], pi, i};
                }
            }
        }
        Arrays.sort(
                keys, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        String[] productIds = new String[labelled];
        long[] times = new long[labelled];
        double[][] features = new double[labelled][];
        double[] y = new double[labelled];
        for (int r = 0; r < labelled; r++) {
            long[] k = keys[r];
            ProductRows p = all.get((int) k[2]);
            int i = (int) k[3];
            productIds[r] = p.productId;
            times[r] = p.times[i];
            features[r] = p.rows.get(i);
            y[r] = labels.get((int) k[2])[i];
        }
        Map<String, Long> rejected = new TreeMap<>(rejectedLines);
        engine.rejectedByReason()
                .forEach((reason, count) -> rejected.merge(reason, count, Long::sum));
        return new Dataset(
                productIds, times, features, y, featureRows, featureRows - labelled, rejected);
    }

    /** One product's feature rows in arrival order. */
    private static final class ProductRows {
        final String productId;
        long[] times = new long[1024];
        double[] mids = new double[1024];
        long[] sequence = new long[1024];
        final List<double[]> rows = new ArrayList<>();
        int size;

        ProductRows(String productId) {
            this.productId = productId;
        }

        void add(long time, double mid, double[] values, long seq) {
            if (values.length != FeatureContract.SIZE) {
                throw new IllegalArgumentException(
                        "a contract v1 row has " + FeatureContract.SIZE + " values");
            }
            if (size == times.length) {
                times = Arrays.copyOf(times, size * 2);
                mids = Arrays.copyOf(mids, size * 2);
                sequence = Arrays.copyOf(sequence, size * 2);
            }
            times[size] = time;
            mids[size] = mid;
            sequence[size] = seq;
            rows.add(values);
            size++;
        }
    }
}

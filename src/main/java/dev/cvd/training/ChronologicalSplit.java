package dev.cvd.training;

import dev.cvd.features.ForwardVolatilityLabeler;
import java.util.Arrays;
import java.util.Locale;

/**
 * A chronological train / validation / test split with purging. Rows are never shuffled.
 *
 * <p>The fractions are of rows in time order, not of the time span (recordings of several days have
 * long empty stretches): with n rows sorted by time, validation starts at the time {@code b1} of
 * row {@code floor(n * train)} and test at the time {@code b2} of row {@code floor(n * (train +
 * validation))}. A row belongs to train if {@code t < b1}, to validation if {@code b1 <= t < b2},
 * to test if {@code t >= b2}, so rows of equal time never straddle a boundary.
 *
 * <p>Purging: a row whose label window {@code (t, t + 60 s]} reaches the next split's first instant
 * ({@code t + 60 s >= b1} for train, {@code t + 60 s >= b2} for validation) is dropped, so that no
 * label of one split is computed from returns of the next one.
 *
 * @param train fraction of rows for training
 * @param validation fraction for validation (early stopping, threshold)
 * @param test fraction for the final test
 */
public record ChronologicalSplit(double train, double validation, double test) {

    /** 60 / 20 / 20. */
    public static final ChronologicalSplit DEFAULT = new ChronologicalSplit(0.6, 0.2, 0.2);

    public ChronologicalSplit {
        if (!(train > 0 && validation > 0 && test > 0)
                || Math.abs(train + validation + test - 1.0) > 1e-6) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "split fractions must be positive and sum to 1, not %s,%s,%s",
                            train,
                            validation,
                            test));
        }
    }

    /**
     * Parses {@code "0.6,0.2,0.2"}.
     *
     * @throws IllegalArgumentException if it is not three positive numbers that sum to 1
     */
    public static ChronologicalSplit parse(String text) {
        String[] parts = text.split(",");
        if (parts.length != 3) {
            throw new IllegalArgumentException(
                    "--split needs three fractions TRAIN,VALIDATION,TEST, not '" + text + "'");
        }
        double[] f = new double[3];
        for (int i = 0; i < 3; i++) {
            try {
                f[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--split: not a number: '" + parts[i] + "'");
            }
        }
        return new ChronologicalSplit(f[0], f[1], f[2]);
    }

    /**
     * The row indices of each split and what purging removed.
     *
     * @param train row indices of the training split, ascending
     * @param validation row indices of the validation split
     * @param test row indices of the test split
     * @param validationStartMicros b1, the first instant of validation
     * @param testStartMicros b2, the first instant of test
     * @param purgedTrain training rows dropped by purging
     * @param purgedValidation validation rows dropped by purging
     */
    public record Parts(
            int[] train,
            int[] validation,
            int[] test,
            long validationStartMicros,
            long testStartMicros,
            int purgedTrain,
            int purgedValidation) {}

    /**
     * Splits the rows of a dataset.
     *
     * @param times row times, non-decreasing (a {@link Dataset}'s order)
     * @throws DatasetException if a split would be empty
     */
    public Parts apply(long[] times) {
        int n = times.length;
        if (n < 3) {
            throw new DatasetException("too few labelled rows to split: " + n);
        }
        // The small epsilon keeps 0.7 + 0.1 (0.7999999999999999 in binary) from losing a row.
        long b1 = times[Math.min(n - 1, (int) Math.floor(n * train + 1e-9))];
        long b2 = times[Math.min(n - 1, (int) Math.floor(n * (train + validation) + 1e-9))];
        long h = ForwardVolatilityLabeler.HORIZON_MICROS;
        int[] tr = new int[n];
        int[] va = new int[n];
        int[] te = new int[n];
        int ntr = 0;
        int nva = 0;
        int nte = 0;
        int purgedTrain = 0;
        int purgedValidation = 0;
        for (int i = 0; i < n; i++) {
            long t = times[i];
            if (t < b1) {
                if (t + h >= b1) {
                    purgedTrain++;
                } else {
                    tr[ntr++] = i;
                }
            } else if (t < b2) {
                if (t + h >= b2) {
                    purgedValidation++;
                } else {
                    va[nva++] = i;
                }
            } else {
                te[nte++] = i;
            }
        }
        if (ntr == 0 || nva == 0 || nte == 0) {
            throw new DatasetException(
                    String.format(
                            Locale.ROOT,
                            "a split is empty after purging (train %d, validation %d, test %d rows"
                                    + " of %d): give more data or other --split fractions",
                            ntr,
                            nva,
                            nte,
                            n));
        }
        return new Parts(
                Arrays.copyOf(tr, ntr),
                Arrays.copyOf(va, nva),
                Arrays.copyOf(te, nte),
                b1,
                b2,
                purgedTrain,
                purgedValidation);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s,%s,%s", train, validation, test);
    }
}

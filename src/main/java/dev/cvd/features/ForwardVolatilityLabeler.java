package dev.cvd.features;

import java.util.Objects;

/**
 * The offline label of contract v1: {@code fwd_rv_60s}, the realized volatility of the 60 seconds
 * that follow a quote.
 *
 * <p>For quote i of a segment at time t_i: {@code fwd_rv_60s = sqrt(sum r_j^2)} over the quotes j
 * of the same segment with {@code t_i < t_j <= t_i + 60 s}, where {@code r_j = ln(mid_j /
 * mid_{j-1})} is the tick-to-tick log return of the feature engine. The label is defined only if
 * the segment reaches {@code t_i + 60 s}, read as: <em>some quote of the same segment has {@code
 * t_j >= t_i + 60 s}</em>. Segments break on gaps of more than 60 s, so such a quote proves that
 * the whole window was observed and that every quote in it belongs to the segment; without one, the
 * data end (or a gap starts) inside the window and the sum would be a truncated, biased-low value.
 * The rows of a segment's last 60 seconds therefore have no label ({@code NaN}).
 *
 * <p>Cost: O(n) time per segment and O(n) scratch memory. The windows {@code (t_i, t_i + 60 s]}
 * slide backwards in time as i decreases, a queue that takes elements at its early end and drops
 * them at its late end. Their sums use the two-stack scheme of the feature engine: a "front" block
 * with prefix sums computed once when it is formed and a running sum of the elements added since.
 * Only non-negative values are ever added, nothing is subtracted, so every label is accurate to a
 * few ulps of its own value (unlike differences of a long prefix sum, which lose the quiet windows
 * of a volatile day), and a window of unchanged mids has a label of exactly 0.
 *
 * <p>Stateless and thread-safe.
 */
public final class ForwardVolatilityLabeler {

    /** The label's name in datasets and model bundles. */
    public static final String LABEL = "fwd_rv_60s";

    /** The label horizon in seconds. */
    public static final int HORIZON_S = 60;

    /** The label horizon in microseconds. */
    public static final long HORIZON_MICROS = HORIZON_S * 1_000_000L;

    private ForwardVolatilityLabeler() {}

    /**
     * Labels one product's valid quotes, given in arrival order with their clamped times (the times
     * of its feature rows). Segments are found with the contract's gap rule (a quote more than
     * {@link FeatureContract#SEGMENT_GAP_MICROS} after the previous one starts a new segment), the
     * returns are computed exactly as {@link FeatureEngine} computes them.
     *
     * @param timesMicros quote times, UTC microseconds, non-decreasing
     * @param mids the quotes' mid prices {@code (bid + ask) / 2}, positive and finite
     * @return {@code fwd_rv_60s} per quote, NaN where undefined
     * @throws IllegalArgumentException if the arrays differ in length or the times decrease
     */
    public static double[] label(long[] timesMicros, double[] mids) {
        Objects.requireNonNull(timesMicros, "timesMicros");
        Objects.requireNonNull(mids, "mids");
        int n = timesMicros.length;
        if (mids.length != n) {
            throw new IllegalArgumentException(
                    "times and mids differ in length: " + n + " vs " + mids.length);
        }
        double[] returns = new double[n];
        double[] out = new double[n];
        int start = 0;
        for (int j = 0; j < n; j++) {
            if (j > 0 && timesMicros[j] < timesMicros[j - 1]) {
                throw new IllegalArgumentException(
                        "times decrease at index " + j + ": apply the monotone clamp first");
            }
            boolean segmentStart =
                    j == 0
                            || timesMicros[j] - timesMicros[j - 1]
                                    > FeatureContract.SEGMENT_GAP_MICROS;
            if (segmentStart) {
                if (j > start) {
                    labelSegment(timesMicros, returns, start, j, out);
                }
                start = j;
                returns[j] = 0.0;
            } else {
                returns[j] = Math.log(mids[j] / mids[j - 1]);
            }
        }
        if (n > start) {
            labelSegment(timesMicros, returns, start, n, out);
        }
        return out;
    }

    /**
     * Labels the quotes {@code [from, to)}, which must form one segment in time order.
     *
     * @param timesMicros quote times, UTC microseconds, non-decreasing over the range
     * @param returns {@code r_j} of each quote; {@code returns[from]}, the segment's first quote,
     *     is not used (it has no return)
     * @param out receives {@code fwd_rv_60s} of each quote in the range, NaN where undefined
     */
    public static void labelSegment(
            long[] timesMicros, double[] returns, int from, int to, double[] out) {
        Objects.checkFromToIndex(from, to, timesMicros.length);
        Objects.checkFromToIndex(from, to, returns.length);
        Objects.checkFromToIndex(from, to, out.length);
        if (from == to) {
            return;
        }
        long last = timesMicros[to - 1];
        // The window of quote i holds the quotes [lo, k]: lo is the first quote later than t_i
        // (quotes at t_i itself are not in it), k the last one at or before t_i + 60 s. As i
        // decreases, quotes enter at the early end and leave at the late end: a queue. Its sum is
        // back + front: the back part [lo, m] keeps a running sum of what entered, the front part
        // [m + 1, k] reads prefix sums over [m + 1, j] computed when it was formed.
        double[] prefix = new double[to - from];
        int lo = to;
        int k = to - 1;
        int m = to - 1;
        double back = 0.0;
        int groupEnd = to - 1; // last quote with the same time as quote i
        for (int i = to - 1; i >= from; i--) {
            long t = timesMicros[i];
            if (i + 1 >= to || timesMicros[i + 1] != t) {
                groupEnd = i;
            }
            if (last - t < HORIZON_MICROS) {
                // The segment ends before t + 60 s: the window is not fully observed.
                out[i] = Double.NaN;
                continue;
            }
            while (lo > groupEnd + 1) {
                lo--;
                back += square(returns[lo]);
            }
            long end = t + HORIZON_MICROS;
            while (k >= lo && timesMicros[k] > end) {
                k--;
            }
            if (k <= m) {
                // The late end reached the back part, whose sum cannot be reduced: make the whole
                // window the front part and empty the back part. Each quote moves once.
                double s = 0.0;
                for (int j = lo; j <= k; j++) {
                    s += square(returns[j]);
                    prefix[j - from] = s;
                }
                m = lo - 1;
                back = 0.0;
            }
            double front = k > m ? prefix[k - from] : 0.0;
            out[i] = Math.sqrt(back + front);
        }
    }

    private static double square(double x) {
        return x * x;
    }
}

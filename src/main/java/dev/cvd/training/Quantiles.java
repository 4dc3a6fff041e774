package dev.cvd.training;

import java.util.Arrays;

/** Sample quantiles. */
public final class Quantiles {

    private Quantiles() {}

    /**
     * The p-quantile with linear interpolation between order statistics, the definition of numpy's
     * default ({@code method="linear"}, Hyndman and Fan type 7): with the n values sorted as {@code
     * x[0] <= ... <= x[n-1]} and {@code h = (n - 1) p}, the quantile is {@code x[floor(h)] + (h -
     * floor(h)) (x[floor(h) + 1] - x[floor(h)])}.
     *
     * @param values finite values, not modified
     * @param p in [0, 1]
     * @throws IllegalArgumentException if there are no values, p is out of range or a value is NaN
     */
    public static double linear(double[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in [0, 1]: " + p);
        }
        double[] x = values.clone();
        Arrays.sort(x);
        if (Double.isNaN(x[x.length - 1])) {
            throw new IllegalArgumentException("NaN among the values");
        }
        double h = (x.length - 1) * p;
        int lo = (int) Math.floor(h);
        if (lo >= x.length - 1) {
            return x[x.length - 1];
        }
        double frac = h - lo;
        return frac == 0 ? x[lo] : x[lo] + frac * (x[lo + 1] - x[lo]);
    }
}

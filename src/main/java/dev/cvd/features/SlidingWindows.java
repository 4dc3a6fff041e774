package dev.cvd.features;

import java.util.Arrays;

/**
 * Exact sums of several non-negative quantities over several trailing time windows {@code (t - w,
 * t]} of one time-ordered stream, in O(1) amortized time per element.
 *
 * <p>The elements live once in a growable ring buffer. Each window keeps a "two-stack" aggregate: a
 * front part with suffix sums computed when it was formed and a back part with a running sum of
 * what arrived since. Nothing is ever subtracted, so a sum stays accurate to a few ulps of its own
 * value however long the stream runs, and a window whose elements are all zero sums to exactly
 * zero. Each element is added to a suffix at most once per window, which bounds the amortized work;
 * memory is one slot per element younger than the longest window.
 *
 * <p>The quantities of an element sit side by side ({@code slot * quantities + q}) in the value and
 * suffix arrays, so that reading all sums of a window touches one or two cache lines rather than
 * one per quantity: with 30,000 elements in a 300 s window the arrays far exceed the caches.
 * Pushing, evicting and reading allocate nothing; only {@link #grow} does.
 *
 * <p>Times must be pushed in non-decreasing order. Not thread-safe: owned by one product's state.
 */
final class SlidingWindows {

    private final long[] windows;
    private final int quantities;

    private int mask;
    private long[] times;

    /** Element values: quantity q of the element in slot s at {@code s * quantities + q}. */
    private double[] values;

    /** An unsummed value stored with each element (the quote's mid price). */
    private double[] aux;

    /** Logical index of the next element to push; slots are {@code index & mask}. */
    private long tail;

    private final long[] head;
    private final long[] split;

    /**
     * {@code suffix[w][s * quantities + q]}: sum of quantity q over the logical indices {@code
     * [index of slot s, split[w])}.
     */
    private double[][] suffix;

    /** {@code back[w * quantities + q]}: sum of quantity q over {@code [split[w], tail)}. */
    private final double[] back;

    /** Running sums of a {@link #flip}, one per quantity. */
    private final double[] acc;

    /**
     * @param windowMicros window lengths in microseconds, ascending
     * @param quantities number of summed quantities per element
     * @param initialCapacity initial ring size, rounded up to a power of two
     */
    SlidingWindows(long[] windowMicros, int quantities, int initialCapacity) {
        if (windowMicros.length == 0 || quantities <= 0 || initialCapacity <= 0) {
            throw new IllegalArgumentException(
                    "need at least one window, one quantity and a positive capacity");
        }
        for (int i = 1; i < windowMicros.length; i++) {
            if (windowMicros[i] < windowMicros[i - 1]) {
                throw new IllegalArgumentException(
                        "windows must be ascending: " + Arrays.toString(windowMicros));
            }
        }
        this.windows = windowMicros.clone();
        this.quantities = quantities;
        int capacity = Integer.highestOneBit(Math.max(2, initialCapacity - 1)) << 1;
        allocate(capacity);
        this.head = new long[windows.length];
        this.split = new long[windows.length];
        this.back = new double[windows.length * quantities];
        this.acc = new double[quantities];
    }

    private void allocate(int capacity) {
        mask = capacity - 1;
        times = new long[capacity];
        values = new double[capacity * quantities];
        aux = new double[capacity];
        suffix = new double[windows.length][capacity * quantities];
    }

    /** Forgets every element (a segment reset). */
    void clear() {
        Arrays.fill(head, tail);
        Arrays.fill(split, tail);
        Arrays.fill(back, 0.0);
    }

    /**
     * Appends an element.
     *
     * @param time element time, not before the previous element's
     * @param v the element's quantities, {@code v.length >= quantities}, each non-negative
     * @param auxValue an unsummed value kept with the element, see {@link #aux(long)}
     * @return the element's logical index
     */
    long push(long time, double[] v, double auxValue) {
        if (tail - head[windows.length - 1] == mask + 1) {
            grow();
        }
        int slot = (int) (tail & mask);
        times[slot] = time;
        aux[slot] = auxValue;
        int base = slot * quantities;
        for (int q = 0; q < quantities; q++) {
            double x = v[q];
            values[base + q] = x;
            for (int w = 0, b = q; w < windows.length; w++, b += quantities) {
                back[b] += x;
            }
        }
        return tail++;
    }

    /** Drops, from every window, the elements at or before {@code now - window}. */
    void evict(long now) {
        for (int w = 0; w < windows.length; w++) {
            long cutoff = now - windows[w];
            long h = head[w];
            while (h < tail && times[(int) (h & mask)] <= cutoff) {
                if (h == split[w]) {
                    flip(w);
                }
                h++;
            }
            head[w] = h;
        }
    }

    /** Turns window w's back part into a front part with fresh suffix sums. */
    private void flip(int w) {
        long from = split[w];
        double[] s = suffix[w];
        double[] v = values;
        int n = quantities;
        Arrays.fill(acc, 0.0);
        // Per quantity the additions run newest to oldest, as when each had its own array.
        for (long i = tail - 1; i >= from; i--) {
            int base = (int) (i & mask) * n;
            for (int q = 0; q < n; q++) {
                double a = acc[q] + v[base + q];
                acc[q] = a;
                s[base + q] = a;
            }
        }
        Arrays.fill(back, w * n, w * n + n, 0.0);
        split[w] = tail;
    }

    /**
     * @return the sum of quantity q over window w
     */
    double sum(int w, int q) {
        long h = head[w];
        double front = h < split[w] ? suffix[w][(int) (h & mask) * quantities + q] : 0.0;
        return front + back[w * quantities + q];
    }

    /**
     * @return the number of elements in window w
     */
    long count(int w) {
        return tail - head[w];
    }

    /** Logical index one past the newest element. */
    long tail() {
        return tail;
    }

    /**
     * @return the time of the element at a logical index still held
     */
    long time(long index) {
        return times[(int) (index & mask)];
    }

    /**
     * @return the unsummed value of the element at a logical index still held
     */
    double aux(long index) {
        return aux[(int) (index & mask)];
    }

    /** Doubles the ring, keeping every element of the longest window at its logical index. */
    private void grow() {
        long from = head[windows.length - 1];
        int oldMask = mask;
        long[] oldTimes = times;
        double[] oldValues = values;
        double[] oldAux = aux;
        double[][] oldSuffix = suffix;
        allocate((mask + 1) << 1);
        int n = quantities;
        for (long i = from; i < tail; i++) {
            int o = (int) (i & oldMask);
            int m = (int) (i & mask);
            times[m] = oldTimes[o];
            aux[m] = oldAux[o];
            System.arraycopy(oldValues, o * n, values, m * n, n);
            for (int w = 0; w < windows.length; w++) {
                System.arraycopy(oldSuffix[w], o * n, suffix[w], m * n, n);
            }
        }
    }
}

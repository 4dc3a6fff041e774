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
 * <p>Times must be pushed in non-decreasing order. Not thread-safe: owned by one product's state.
 */
final class SlidingWindows {

    private final long[] windows;
    private final int quantities;

    private int mask;
    private long[] times;

    /** Element values by quantity: {@code values[q][slot]}. */
    private double[][] values;

    /** An unsummed value stored with each element (the quote's mid price). */
    private double[] aux;

    /** Logical index of the next element to push; slots are {@code index & mask}. */
    private long tail;

    private final long[] head;
    private final long[] split;

    /** {@code suffix[w][q][slot]}: sum of quantity q over {@code [slot, split[w])}. */
    private double[][][] suffix;

    /** {@code back[w][q]}: sum of quantity q over {@code [split[w], tail)}. */
    private final double[][] back;

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
        this.back = new double[windows.length][quantities];
    }

    private void allocate(int capacity) {
        mask = capacity - 1;
        times = new long[capacity];
        values = new double[quantities][capacity];
        aux = new double[capacity];
        suffix = new double[windows.length][quantities][capacity];
    }

    /** Forgets every element (a segment reset). */
    void clear() {
        Arrays.fill(head, tail);
        Arrays.fill(split, tail);
        for (double[] b : back) {
            Arrays.fill(b, 0.0);
        }
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
        for (int q = 0; q < quantities; q++) {
            values[q][slot] = v[q];
            for (int w = 0; w < windows.length; w++) {
                back[w][q] += v[q];
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
        for (int q = 0; q < quantities; q++) {
            double[] s = suffix[w][q];
            double[] v = values[q];
            double acc = 0.0;
            for (long i = tail - 1; i >= from; i--) {
                int slot = (int) (i & mask);
                acc += v[slot];
                s[slot] = acc;
            }
            back[w][q] = 0.0;
        }
        split[w] = tail;
    }

    /**
     * @return the sum of quantity q over window w
     */
    double sum(int w, int q) {
        long h = head[w];
        double front = h < split[w] ? suffix[w][q][(int) (h & mask)] : 0.0;
        return front + back[w][q];
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
        double[][] oldValues = values;
        double[] oldAux = aux;
        double[][][] oldSuffix = suffix;
        allocate((mask + 1) << 1);
        for (long i = from; i < tail; i++) {
            int o = (int) (i & oldMask);
            int n = (int) (i & mask);
            times[n] = oldTimes[o];
            aux[n] = oldAux[o];
            for (int q = 0; q < quantities; q++) {
                values[q][n] = oldValues[q][o];
                for (int w = 0; w < windows.length; w++) {
                    suffix[w][q][n] = oldSuffix[w][q][o];
                }
            }
        }
    }
}

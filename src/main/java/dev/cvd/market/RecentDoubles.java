package dev.cvd.market;

/**
 * The decimal texts of recently written doubles, found again by their bits: a direct-mapped table
 * of 512 entries, each a double's bits and its {@link ShortestDouble} text. Consecutive feature
 * rows of a product repeat many values exactly (a window's mean or volatility that no event moved,
 * the spread of an unchanged book): over the bundled corpus about 37 % of a row's finite values are
 * in the table, and copying their text costs a fraction of computing it. A miss computes the text
 * and replaces the entry. The table has no effect on the text, only on its cost. Not thread-safe:
 * one per writing thread.
 */
final class RecentDoubles {

    /** log2 of the number of entries: 512 entries, about 17 KB, stay in the CPU's nearer caches. */
    private static final int LOG_ENTRIES = 9;

    private static final int ENTRIES = 1 << LOG_ENTRIES;

    private final long[] bits = new long[ENTRIES];

    /** The length of each entry's text; 0 for an empty entry (no text is empty). */
    private final byte[] lengths = new byte[ENTRIES];

    private final byte[] texts = new byte[ENTRIES * ShortestDouble.MAX_LENGTH];

    /**
     * Writes {@code v} as {@link ShortestDouble#write} does, into {@code b} from {@code at}, which
     * must have room for {@link ShortestDouble#MAX_LENGTH} bytes.
     *
     * @return the position after the text
     */
    int write(byte[] b, int at, double v) {
        long x = Double.doubleToRawLongBits(v);
        // Fibonacci hashing: the high bits of the product mix every bit of the double.
        int entry = (int) ((x * 0x9E3779B97F4A7C15L) >>> (64 - LOG_ENTRIES));
        int n = lengths[entry];
        int text = entry * ShortestDouble.MAX_LENGTH;
        if (n != 0 && bits[entry] == x) {
            System.arraycopy(texts, text, b, at, n);
            return at + n;
        }
        int end = ShortestDouble.write(b, at, v);
        bits[entry] = x;
        lengths[entry] = (byte) (end - at);
        System.arraycopy(b, at, texts, text, end - at);
        return end;
    }
}

package dev.cvd.market;

import java.math.BigInteger;

/**
 * Writes a double as the shortest decimal that reads back to the same bits, in the notation of
 * {@link Double#toString(double)} since JDK 19 (and of Jackson's fast double writer, which the wire
 * format was defined with): plain for magnitudes in [10^-3, 10^7), computerized scientific
 * otherwise, at least one digit after the point. It writes the ASCII text straight into a byte
 * array without allocating, where Jackson's writer makes 126 bytes of objects per number; feature
 * rows carry 28 doubles.
 *
 * <p>The algorithm is Schubfach (R. Giulietti, "The Schubfach way to render doubles", 2020): the
 * decimal candidates around {@code c 2^q} are computed with one 126-bit approximation of a power of
 * ten, held as two 63-bit halves in a table made at class initialization. Stateless and
 * thread-safe.
 */
final class ShortestDouble {

    /** Exponent of the smallest subnormal: every finite double is {@code c 2^q}, q >= Q_MIN. */
    private static final int Q_MIN = -1074;

    /** The implicit bit of a normal double's significand. */
    private static final long C_MIN = 1L << 52;

    /** Subnormal significands below this are scaled by ten first, for precision. */
    private static final long C_TINY = 3;

    private static final long T_MASK = C_MIN - 1;
    private static final int BQ_MASK = 0x7FF;
    private static final long MASK_63 = (1L << 63) - 1;

    /** Range of the decimal exponents k the table covers. */
    private static final int K_MIN = -324;

    private static final int K_MAX = 292;

    /**
     * For each k, {@code g = floor(10^-k 2^-r) + 1} with r such that {@code 2^125 <= 10^-k 2^-r <
     * 2^126}: its high 63 bits in G1, its low 63 bits in G0.
     */
    private static final long[] G1 = new long[K_MAX - K_MIN + 1];

    private static final long[] G0 = new long[K_MAX - K_MIN + 1];

    private static final long[] POW10 = new long[19];

    /** The tens and ones digit of each number below 100. */
    private static final byte[] TENS = new byte[100];

    private static final byte[] ONES = new byte[100];

    /** The longest text of a double: {@code -2.2250738585072014E-308}. */
    static final int MAX_LENGTH = 24;

    static {
        for (int k = K_MIN; k <= K_MAX; k++) {
            int r = flog2pow10(-k) - 125;
            BigInteger g;
            if (k <= 0) {
                BigInteger p = BigInteger.TEN.pow(-k);
                g = r >= 0 ? p.shiftRight(r) : p.shiftLeft(-r);
            } else {
                g = BigInteger.ONE.shiftLeft(-r).divide(BigInteger.TEN.pow(k));
            }
            g = g.add(BigInteger.ONE);
            G1[k - K_MIN] = g.shiftRight(63).longValueExact();
            G0[k - K_MIN] = g.longValue() & MASK_63;
        }
        long p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
        for (int i = 0; i < 100; i++) {
            TENS[i] = (byte) ('0' + i / 10);
            ONES[i] = (byte) ('0' + i % 10);
        }
    }

    private ShortestDouble() {}

    /**
     * Writes {@code v} as ASCII into {@code b} from {@code at}, which must have room for {@link
     * #MAX_LENGTH} bytes; NaN and the infinities as {@link Double#toString(double)} writes them.
     *
     * @return the position after the text
     */
    static int write(byte[] b, int at, double v) {
        long bits = Double.doubleToRawLongBits(v);
        long t = bits & T_MASK;
        int bq = (int) (bits >>> 52) & BQ_MASK;
        if (bq == BQ_MASK) {
            return ascii(b, at, t != 0 ? "NaN" : bits > 0 ? "Infinity" : "-Infinity");
        }
        if (bits < 0) {
            b[at++] = '-';
        }
        if (bq != 0) {
            // Normal: v = c 2^q with q = -mq.
            int mq = -Q_MIN + 1 - bq;
            long c = C_MIN | t;
            if (0 < mq && mq < 53) {
                long f = c >> mq;
                if (f << mq == c) {
                    // An integer below 2^53: its own digits are the shortest.
                    return layout(b, at, f, 0);
                }
            }
            return shortest(b, at, -mq, c, 0);
        }
        if (t != 0) {
            return t < C_TINY ? shortest(b, at, Q_MIN, 10 * t, -1) : shortest(b, at, Q_MIN, t, 0);
        }
        return ascii(b, at, "0.0");
    }

    private static int ascii(byte[] b, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            b[at++] = (byte) s.charAt(i);
        }
        return at;
    }

    /**
     * Writes the shortest decimal in the rounding interval of {@code c 2^q} (the one closest to it,
     * ties to an even digit; when a one-digit decimal qualifies, two-digit ones compete too).
     *
     * @param dk the decimal exponent correction when c was scaled by ten (-1), else 0
     */
    private static int shortest(byte[] b, int at, int q, long c, int dk) {
        long odd = c & 1;
        long cb = c << 2;
        long cbr = cb + 2;
        long cbl;
        int k;
        if (c != C_MIN || q == Q_MIN) {
            cbl = cb - 2;
            k = flog10pow2(q);
        } else {
            // At a power of two the interval below is half as wide.
            cbl = cb - 1;
            k = flog10threeQuartersPow2(q);
        }
        int h = q + flog2pow10(-k) + 2;
        long g1 = G1[k - K_MIN];
        long g0 = G0[k - K_MIN];
        long vb = rop(g1, g0, cb << h);
        long vbl = rop(g1, g0, cbl << h);
        long vbr = rop(g1, g0, cbr << h);

        long s = vb >> 2;
        if (s >= 100) {
            // One digit fewer: s' = floor(s / 10), candidates 10 s' and 10 (s' + 1).
            long sp10 = 10 * Math.multiplyHigh(s, 115_292_150_460_684_698L << 4);
            long tp10 = sp10 + 10;
            boolean upin = vbl + odd <= sp10 << 2;
            boolean wpin = (tp10 << 2) + odd <= vbr;
            if (upin != wpin) {
                return layout(b, at, upin ? sp10 : tp10, k + dk);
            }
        }
        long t = s + 1;
        boolean uin = vbl + odd <= s << 2;
        boolean win = (t << 2) + odd <= vbr;
        if (uin != win) {
            return layout(b, at, uin ? s : t, k + dk);
        }
        long cmp = vb - (s + t << 1);
        return layout(b, at, cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : t, k + dk);
    }

    /**
     * {@code floor(g cp 2^-127)}, with its lowest bit set if any bit below it is (round to odd).
     */
    private static long rop(long g1, long g0, long cp) {
        long x1 = Math.multiplyHigh(g0, cp);
        long y0 = g1 * cp;
        long y1 = Math.multiplyHigh(g1, cp);
        long z = (y0 >>> 1) + x1;
        long vbp = y1 + (z >>> 63);
        return vbp | (z & MASK_63) + MASK_63 >>> 63;
    }

    /**
     * Writes {@code f 10^e} (f > 0) in {@link Double#toString(double)}'s notation: plain for
     * exponents in [-3, 7), else scientific.
     *
     * @return the position after the text
     */
    private static int layout(byte[] b, int at, long f, int e) {
        while (f % 10 == 0) {
            f /= 10; // f 10^e = (f / 10) 10^(e + 1): trailing zeros are not written
            e++;
        }
        int n = flog10pow2(64 - Long.numberOfLeadingZeros(f));
        if (f >= POW10[n]) {
            n++;
        }
        int exp = e + n - 1; // f 10^e = d.ddd 10^exp
        if (exp >= 0 && exp < 7) {
            int whole = exp + 1;
            digits(b, at, f, n);
            if (n <= whole) {
                int end = at + n; // ddd[000].0
                while (end < at + whole) {
                    b[end++] = '0';
                }
                b[end] = '.';
                b[end + 1] = '0';
                return end + 2;
            }
            // ddd.ddd: the fraction moves one place right to make room for the point.
            System.arraycopy(b, at + whole, b, at + whole + 1, n - whole);
            b[at + whole] = '.';
            return at + n + 1;
        }
        if (exp < 0 && exp >= -3) {
            b[at++] = '0'; // 0.00ddd
            b[at++] = '.';
            for (int i = exp + 1; i < 0; i++) {
                b[at++] = '0';
            }
            digits(b, at, f, n);
            return at + n;
        }
        // d.dddEexp: the first digit moves before the point.
        digits(b, at + 1, f, n);
        b[at] = b[at + 1];
        b[at + 1] = '.';
        int end = at + 1 + n;
        if (n == 1) {
            b[end++] = '0';
        }
        b[end++] = 'E';
        if (exp < 0) {
            b[end++] = '-';
            exp = -exp;
        }
        if (exp >= 100) {
            b[end++] = (byte) ('0' + exp / 100);
            exp %= 100;
            b[end++] = TENS[exp];
        } else if (exp >= 10) {
            b[end++] = TENS[exp];
        }
        b[end++] = ONES[exp];
        return end;
    }

    /** Writes the n decimal digits of f (at most 17) into {@code b[at, at + n)}. */
    private static void digits(byte[] b, int at, long f, int n) {
        if (n > 8) {
            long high = f / 100_000_000L;
            pairs(b, at + n - 8, (int) high, n - 8);
            eight(b, at + n - 8, (int) (f - high * 100_000_000L));
        } else {
            pairs(b, at + n, (int) f, n);
        }
    }

    /**
     * Writes the 8 decimal digits of x (leading zeros included) into {@code b[at, at + 8)}, as four
     * pairs computed side by side rather than one after the other.
     */
    private static void eight(byte[] b, int at, int x) {
        int high = x / 10_000;
        int low = x - high * 10_000;
        int h1 = high / 100;
        int h2 = high - h1 * 100;
        int l1 = low / 100;
        int l2 = low - l1 * 100;
        b[at] = TENS[h1];
        b[at + 1] = ONES[h1];
        b[at + 2] = TENS[h2];
        b[at + 3] = ONES[h2];
        b[at + 4] = TENS[l1];
        b[at + 5] = ONES[l1];
        b[at + 6] = TENS[l2];
        b[at + 7] = ONES[l2];
    }

    /** Writes the {@code count} low decimal digits of x into the bytes before {@code end}. */
    private static void pairs(byte[] b, int end, int x, int count) {
        int at = end;
        for (; count >= 2; count -= 2) {
            int q = x / 100;
            int r = x - q * 100;
            b[--at] = ONES[r];
            b[--at] = TENS[r];
            x = q;
        }
        if (count == 1) {
            b[--at] = (byte) ('0' + x);
        }
    }

    /** {@code floor(e log10(2))}; exact for the exponents of doubles (ShortestDoubleTest). */
    static int flog10pow2(int e) {
        return (int) (e * 661_971_961_083L >> 41);
    }

    /** {@code floor(log10(3/4 2^e))}; exact for the exponents of doubles. */
    static int flog10threeQuartersPow2(int e) {
        return (int) (e * 661_971_961_083L + -274_743_187_321L >> 41);
    }

    /** {@code floor(e log2(10))}; exact for the decimal exponents of doubles. */
    static int flog2pow10(int e) {
        return (int) (e * 913_124_641_741L >> 38);
    }
}

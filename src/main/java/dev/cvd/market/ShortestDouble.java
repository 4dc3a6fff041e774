package dev.cvd.market;

import java.math.BigInteger;

/**
 * Writes a double as the shortest decimal that reads back to the same bits, in the notation of
 * {@link Double#toString(double)} since JDK 19 (and of Jackson's fast double writer, which the wire
 * format was defined with): plain for magnitudes in [10^-3, 10^7), computerized scientific
 * otherwise, at least one digit after the point. It appends to a {@link StringBuilder} without
 * allocating, where Jackson's writer makes 126 bytes of objects per number; feature rows carry 28
 * doubles.
 *
 * <p>The algorithm is Schubfach (R. Giulietti, "The Schubfach way to render doubles", 2020): the
 * decimal candidates around {@code c 2^q} are computed with one 126-bit approximation of a power of
 * ten, held as two 63-bit halves in a table made at class initialization. Thread-safe: the digits
 * are written into a per-thread scratch array.
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
    private static final char[] TENS = new char[100];

    private static final char[] ONES = new char[100];

    /** Digits of the number being written: at most 18 before its trailing zeros are dropped. */
    private static final ThreadLocal<char[]> SCRATCH = ThreadLocal.withInitial(() -> new char[20]);

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
            TENS[i] = (char) ('0' + i / 10);
            ONES[i] = (char) ('0' + i % 10);
        }
    }

    private ShortestDouble() {}

    /** Appends {@code v}; NaN and the infinities as {@link Double#toString(double)} writes them. */
    static void append(StringBuilder out, double v) {
        long bits = Double.doubleToRawLongBits(v);
        long t = bits & T_MASK;
        int bq = (int) (bits >>> 52) & BQ_MASK;
        if (bq == BQ_MASK) {
            out.append(t != 0 ? "NaN" : bits > 0 ? "Infinity" : "-Infinity");
            return;
        }
        if (bits < 0) {
            out.append('-');
        }
        if (bq != 0) {
            // Normal: v = c 2^q with q = -mq.
            int mq = -Q_MIN + 1 - bq;
            long c = C_MIN | t;
            if (0 < mq && mq < 53) {
                long f = c >> mq;
                if (f << mq == c) {
                    // An integer below 2^53: its own digits are the shortest.
                    appendDecimal(out, f, 0);
                    return;
                }
            }
            decimal(out, -mq, c, 0);
        } else if (t != 0) {
            if (t < C_TINY) {
                decimal(out, Q_MIN, 10 * t, -1);
            } else {
                decimal(out, Q_MIN, t, 0);
            }
        } else {
            out.append("0.0");
        }
    }

    /**
     * Appends the shortest decimal in the rounding interval of {@code c 2^q} (the one closest to
     * it, ties to an even digit; when a one-digit decimal qualifies, two-digit ones compete too).
     *
     * @param dk the decimal exponent correction when c was scaled by ten (-1), else 0
     */
    private static void decimal(StringBuilder out, int q, long c, int dk) {
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
                appendDecimal(out, upin ? sp10 : tp10, k + dk);
                return;
            }
        }
        long t = s + 1;
        boolean uin = vbl + odd <= s << 2;
        boolean win = (t << 2) + odd <= vbr;
        if (uin != win) {
            appendDecimal(out, uin ? s : t, k + dk);
            return;
        }
        long cmp = vb - (s + t << 1);
        appendDecimal(out, cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : t, k + dk);
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

    /** Appends {@code f 10^e} (f > 0) in {@link Double#toString(double)}'s notation. */
    private static void appendDecimal(StringBuilder out, long f, int e) {
        int n = flog10pow2(64 - Long.numberOfLeadingZeros(f));
        if (f >= POW10[n]) {
            n++;
        }
        char[] d = SCRATCH.get();
        digits(d, f, n);
        while (d[n - 1] == '0') {
            n--; // f 10^e = (f / 10) 10^(e + 1): trailing zeros are not written
            e++;
        }
        int exp = e + n - 1; // f 10^e = d.ddd 10^exp
        if (exp >= 0 && exp < 7) {
            int whole = exp + 1;
            if (n <= whole) {
                out.append(d, 0, n); // ddd[000].0
                for (int i = n; i < whole; i++) {
                    out.append('0');
                }
                out.append(".0");
            } else {
                out.append(d, 0, whole).append('.').append(d, whole, n - whole); // ddd.ddd
            }
        } else if (exp < 0 && exp >= -3) {
            out.append("0.");
            for (int i = exp + 1; i < 0; i++) {
                out.append('0');
            }
            out.append(d, 0, n); // 0.00ddd
        } else {
            out.append(d[0]).append('.'); // d.dddEexp
            if (n == 1) {
                out.append('0');
            } else {
                out.append(d, 1, n - 1);
            }
            out.append('E').append(exp);
        }
    }

    /** Writes the n decimal digits of f (at most 17) into d[0, n). */
    private static void digits(char[] d, long f, int n) {
        if (n > 8) {
            long high = f / 100_000_000L;
            pairs(d, n - 8, (int) high, n - 8);
            pairs(d, n, (int) (f - high * 100_000_000L), 8);
        } else {
            pairs(d, n, (int) f, n);
        }
    }

    /** Writes the {@code count} low decimal digits of x into the chars before {@code end}. */
    private static void pairs(char[] d, int end, int x, int count) {
        int at = end;
        for (; count >= 2; count -= 2) {
            int q = x / 100;
            int r = x - q * 100;
            d[--at] = ONES[r];
            d[--at] = TENS[r];
            x = q;
        }
        if (count == 1) {
            d[--at] = (char) ('0' + x);
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

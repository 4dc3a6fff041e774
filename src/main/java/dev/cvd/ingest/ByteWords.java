package dev.cvd.ingest;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Bytes tested eight at a time, as the bytes of one long: how {@link Utf8Lines} finds line ends and
 * {@link FlatJsonDecoder} the end of a string. Testing a recording line byte by byte for its end
 * took most of the time of splitting it (about 250 ns of 300), and for the ends of its strings
 * about a fifth of decoding it.
 *
 * <p>A word is read little-endian, so its lowest byte comes first in the array, and the first
 * marked byte is the one whose high bit is the lowest set bit of a mask. The masks below are the
 * classic ones (Bit Twiddling Hacks, "haszero" and "hasless"): a subtraction that borrows marks the
 * byte it should, and perhaps some bytes above it, never one below; so the lowest mark is always
 * right.
 */
final class ByteWords {

    static final long ONES = 0x0101_0101_0101_0101L;
    static final long HIGHS = 0x8080_8080_8080_8080L;

    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private ByteWords() {}

    /** The eight bytes {@code b[i, i + 8)} as one word. */
    static long word(byte[] b, int i) {
        return (long) LONGS.get(b, i);
    }

    /** Marks (in its high bit) each byte of the word below {@code n}, for {@code n <= 0x80}. */
    static long below(long word, int n) {
        return (word - n * ONES) & ~word & HIGHS;
    }

    /** Marks each byte of the word equal to {@code c}. */
    static long equal(long word, int c) {
        long x = word ^ (c * ONES);
        return (x - ONES) & ~x & HIGHS;
    }

    /** The index of the first marked byte of a word read at {@code i}; the mask is not zero. */
    static int first(int i, long marks) {
        return i + (Long.numberOfTrailingZeros(marks) >>> 3);
    }
}

package dev.cvd.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WireTextTest {

    /** The fast path's answer for {@code s}, through both of its entries, which must agree. */
    private static double shortDecimal(String s) {
        double fromString = WireText.shortDecimal(s);
        char[] padded = ("x" + s + "y").toCharArray();
        double fromChars = WireText.shortDecimal(padded, 1, padded.length - 1);
        assertEquals(
                Double.doubleToRawLongBits(fromString), Double.doubleToRawLongBits(fromChars), s);
        return fromString;
    }

    private static void assertReadAsJavaDoes(String s) {
        double expected = Double.parseDouble(s);
        assertEquals(
                Double.doubleToRawLongBits(expected),
                Double.doubleToRawLongBits(WireText.parseDouble(s)),
                s);
        double fast = shortDecimal(s);
        if (fast == fast) {
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(fast), s);
        }
    }

    @Test
    void readsPricesAndSizesOnTheFastPath() {
        assertEquals(102020.48, shortDecimal("102020.48"));
        assertEquals(0.000011, shortDecimal("0.000011"));
        assertEquals(-1.22433037972686, shortDecimal("-1.22433037972686"));
        assertEquals(126296.0, shortDecimal("126296"));
        assertEquals(0.1, shortDecimal("0.1"));
        assertEquals(
                Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(shortDecimal("-0.0")));
        // 2^53 is the largest significand read exactly: one more is left to the full parser.
        assertEquals(9007199254740992.0, shortDecimal("9007199254740992"));
        assertTrue(Double.isNaN(shortDecimal("9007199254740993")));
        assertEquals(0.9007199254740992, shortDecimal("0.9007199254740992"));
        assertTrue(Double.isNaN(shortDecimal("0.9007199254740993")));
    }

    @Test
    void leavesEverythingElseToTheFullParser() {
        for (String s :
                new String[] {
                    "",
                    "-",
                    ".5",
                    "5.",
                    "+1.5",
                    "1e5",
                    "1.5E-3",
                    "1.5 ",
                    " 1.5",
                    "--1",
                    "1.2.3",
                    "NaN",
                    "Infinity",
                    "0x1p3",
                    "1,5",
                    "1234567890123456789",
                    "12345678901234567890",
                    "99999999999999999999",
                    "0.0000000000000000001"
                }) {
            assertTrue(Double.isNaN(shortDecimal(s)), s);
        }
        assertEquals(1e5, WireText.parseDouble("1e5"));
        assertEquals(0.5, WireText.parseDouble(".5"));
        assertEquals(1.0E-19, WireText.parseDouble("0.0000000000000000001"));
        assertThrows(NumberFormatException.class, () -> WireText.parseDouble("1.2.3"));
    }

    @Test
    void agreesWithJavaOnRandomDecimals() {
        SplittableRandom random = new SplittableRandom(11);
        for (int k = 0; k < 200_000; k++) {
            // Random digit strings of every length around the fast path's limits.
            int whole = 1 + random.nextInt(12);
            int fraction = random.nextInt(12);
            StringBuilder s = new StringBuilder();
            if (random.nextBoolean()) {
                s.append('-');
            }
            for (int d = 0; d < whole; d++) {
                s.append((char) ('0' + random.nextInt(10)));
            }
            if (fraction > 0) {
                s.append('.');
                for (int d = 0; d < fraction; d++) {
                    s.append((char) ('0' + random.nextInt(10)));
                }
            }
            assertReadAsJavaDoes(s.toString());
        }
    }

    @Test
    void agreesWithJavaOnTheTextOfRandomDoubles() {
        SplittableRandom random = new SplittableRandom(12);
        for (int k = 0; k < 200_000; k++) {
            double v = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-8, 9));
            // Rounded to a few places, as prices and sizes are; then the same value in full.
            String rounded =
                    new BigDecimal(v)
                            .setScale(random.nextInt(0, 11), RoundingMode.HALF_EVEN)
                            .toPlainString();
            assertReadAsJavaDoes(rounded);
            assertReadAsJavaDoes(new BigDecimal(v).toPlainString());
        }
    }

    @Test
    void aCursorReadsTheSameProductAsTheSameString() {
        String first = new WireText.Cursor("\"BTC-USD\"").string();
        String again = new WireText.Cursor("\"BTC-USD\"").string();
        assertEquals("BTC-USD", first);
        assertSame(first, again);
        assertEquals("ETH-USD", new WireText.Cursor("\"ETH-USD\"").string());
        String longer = "x".repeat(40);
        assertEquals(longer, new WireText.Cursor("\"" + longer + "\"").string());
    }

    @Test
    void textsSharingASlotOfTheRecentTableAreToldApart() {
        // "AAK-USD" and "BTC-USD" hash to the same slot: each read finds the other there.
        for (int k = 0; k < 3; k++) {
            assertEquals("AAK-USD", new WireText.Cursor("\"AAK-USD\"").string());
            assertEquals("BTC-USD", new WireText.Cursor("\"BTC-USD\"").string());
            assertEquals("BTC-USE", new WireText.Cursor("\"BTC-USE\"").string());
        }
    }

    @Test
    void aCursorSkipsAStringAsItReadsOne() {
        WireText.Cursor c = new WireText.Cursor("\"2025-12-01T16:44:46.123456Z\",1");
        c.skipString();
        assertTrue(c.ok());
        assertEquals(1L, c.expect(",".toCharArray()).longOrNull(-1));
        WireText.Cursor bad = new WireText.Cursor("\"a\\\"b\"");
        bad.skipString();
        assertTrue(!bad.ok());
    }
}

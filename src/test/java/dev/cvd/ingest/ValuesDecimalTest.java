package dev.cvd.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Values#decimal} parses with Jackson's fast parser; it must accept and reject exactly what
 * {@link Double#parseDouble} did behind the same check, and give the same doubles bit for bit.
 */
class ValuesDecimalTest {

    /** The previous implementation: the same check, then {@link Double#parseDouble}. */
    private static double reference(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            return Double.NaN;
        }
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
                throw new DecodeException(Reasons.BAD_NUMBER, s);
            }
        }
        if (!digit) {
            throw new DecodeException(Reasons.BAD_NUMBER, s);
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new DecodeException(Reasons.BAD_NUMBER, s);
        }
    }

    private static void check(String s) {
        double expected;
        try {
            expected = reference(s);
        } catch (DecodeException e) {
            DecodeException actual =
                    assertThrows(
                            DecodeException.class, () -> Values.decimal(s), () -> "'" + s + "'");
            assertEquals(Reasons.BAD_NUMBER, actual.reason());
            return;
        }
        double actual = Values.decimal(s);
        assertEquals(
                Double.doubleToRawLongBits(expected),
                Double.doubleToRawLongBits(actual),
                () -> "'" + s + "': " + expected + " vs " + actual);
    }

    @Test
    void edgeCasesParseAsBefore() {
        List<String> cases =
                List.of(
                        "",
                        " ",
                        "1",
                        " 1 ",
                        "\t2.5\r",
                        "-0",
                        "+0",
                        "-0.0",
                        "0.0",
                        ".5",
                        "5.",
                        "1.e5",
                        ".e5",
                        "1e5",
                        "1E-5",
                        "1e+5",
                        "1e",
                        "1e+",
                        "e1",
                        "e",
                        ".",
                        "-",
                        "+",
                        "--1",
                        "+-1",
                        "1-",
                        "1+1",
                        "1.2.3",
                        "1e5.5",
                        "1e5e5",
                        "..1",
                        "00001.5",
                        "89468.15",
                        "0.15432901",
                        "1e-400",
                        "1e400",
                        "-1e400",
                        "4.9e-324",
                        "2.4703282292062327e-324",
                        "2.4703282292062328e-324",
                        "1.7976931348623157e308",
                        "1.7976931348623158e308",
                        "1.7976931348623159e308",
                        "9007199254740993",
                        "9007199254740992.5",
                        "1.00000000000000011102230246251565404236316680908203125",
                        "1.00000000000000011102230246251565404236316680908203124",
                        "1.00000000000000011102230246251565404236316680908203126",
                        "1e0000000000000000001",
                        "1e99999999999999999999",
                        "1e-99999999999999999999",
                        "0e99999999999999999999",
                        "0." + "0".repeat(400) + "1",
                        "1" + "0".repeat(400),
                        "1" + "0".repeat(400) + "e-400",
                        "12345678901234567890123456789012345678901234567890.5");
        cases.forEach(ValuesDecimalTest::check);
    }

    @Test
    void randomTextParsesAsBefore() {
        SplittableRandom random = new SplittableRandom(11);
        String alphabet = "0123456789.+-eE";
        for (int n = 0; n < 200_000; n++) {
            int len = 1 + random.nextInt(12);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < len; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            check(sb.toString());
        }
    }

    /**
     * Decimals of every kind of magnitude and length: shortest forms, exact expansions, and the
     * exact midpoints between neighbouring doubles, where rounding is hardest.
     */
    @Test
    void randomDecimalsParseToTheSameDoubles() {
        SplittableRandom random = new SplittableRandom(13);
        List<String> texts = new ArrayList<>();
        for (int n = 0; n < 20_000; n++) {
            double d =
                    switch (n % 3) {
                        case 0 -> Double.longBitsToDouble(random.nextLong() & Long.MAX_VALUE);
                        case 1 -> random.nextDouble() * 200_000;
                        default -> Math.round(random.nextDouble() * 1e10) / 1e2;
                    };
            if (!Double.isFinite(d)) {
                continue;
            }
            texts.add(Double.toString(d));
            texts.add(new BigDecimal(d).toString());
            texts.add(new BigDecimal(d).toPlainString());
            BigDecimal mid =
                    new BigDecimal(d)
                            .add(new BigDecimal(Math.nextUp(d)))
                            .divide(BigDecimal.valueOf(2));
            if (Double.isFinite(Math.nextUp(d))) {
                texts.add(mid.toString());
                texts.add(mid.add(BigDecimal.ONE.movePointLeft(mid.scale() + 5)).toString());
                texts.add(mid.subtract(BigDecimal.ONE.movePointLeft(mid.scale() + 5)).toString());
            }
            long digits = random.nextLong(1, 100_000_000_000L);
            texts.add(digits + "e" + (random.nextInt(700) - 350));
            texts.add(digits / 1000 + "." + digits % 1000);
        }
        texts.forEach(ValuesDecimalTest::check);
    }
}

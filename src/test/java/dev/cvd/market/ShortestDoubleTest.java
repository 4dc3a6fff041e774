package dev.cvd.market;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.function.DoubleConsumer;
import org.junit.jupiter.api.Test;

/**
 * {@link ShortestDouble} writes the text Jackson's fast double writer writes (the wire format's
 * definition, {@link Double#toString}'s notation since JDK 19), for random bit patterns, the values
 * the feature rows carry, and every kind of edge: subnormals, powers of two and ten and their
 * neighbours, the notation's thresholds, integers up to 2^53 and beyond. Each text also reads back
 * to the same bits.
 */
class ShortestDoubleTest {

    @Test
    void randomBitPatternsGiveJacksonsText() {
        SplittableRandom random = new SplittableRandom(20261126);
        for (int i = 0; i < 2_000_000; i++) {
            double v = Double.longBitsToDouble(random.nextLong());
            if (Double.isFinite(v)) {
                check(v);
            }
        }
    }

    @Test
    void valuesOfTheRangesFeatureRowsCarryGiveJacksonsText() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 500_000; i++) {
            check(random.nextDouble()); // ratios, imbalances
            check(random.nextGaussian() * 1e-4); // returns
            check(Math.abs(random.nextGaussian()) * 1e-3); // volatilities
            check(90_000 + random.nextInt(1_000_000) / 100.0); // prices in cents
            check(90_000 + random.nextDouble() * 10_000); // mids, VWAPs
            check(random.nextInt(100_000)); // counts
            check(random.nextDouble() * 1e-8); // tiny spreads in relative terms
        }
    }

    @Test
    void subnormalsPowersAndThresholdsGiveJacksonsText() {
        for (long t = 1; t <= 20_000; t++) {
            checkAround(Double.longBitsToDouble(t));
        }
        checkAround(Double.MIN_NORMAL);
        checkAround(Double.longBitsToDouble(Double.doubleToRawLongBits(Double.MIN_NORMAL) - 1));
        checkAround(Double.MAX_VALUE);
        for (int e = -1074; e <= 1023; e++) {
            double p = Math.scalb(1.0, e);
            checkAround(p);
            checkAround(3 * p);
            checkAround(p * 1.5);
        }
        for (int e = -323; e <= 308; e++) {
            checkAround(Double.parseDouble("1e" + e));
            checkAround(Double.parseDouble("9.999999999999999e" + e));
            checkAround(Double.parseDouble("5e" + e));
        }
        for (double threshold : new double[] {1e-3, 1e7, 1e-4, 1e6, 0.1, 1, 10}) {
            checkAround(threshold);
        }
        for (long n = 0; n <= 200_000; n++) {
            check(n);
        }
        for (long n = (1L << 53) - 1000; n <= (1L << 53) + 1000; n++) {
            check(n);
        }
        check(123456789012345680.0);
        check(1e23);
        check(2e-323);
        check(4.9e-324);
    }

    @Test
    void signedZerosNaNAndInfinitiesAreWrittenAsDoubleToStringWritesThem() {
        assertThat(text(0.0)).isEqualTo("0.0");
        assertThat(text(-0.0)).isEqualTo("-0.0");
        assertThat(text(Double.NaN)).isEqualTo("NaN");
        assertThat(text(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
        assertThat(text(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    }

    @Test
    void theNotationIsPlainFromAThousandthToTenMillionAndScientificOutside() {
        assertThat(text(1.0)).isEqualTo("1.0");
        assertThat(text(100.5)).isEqualTo("100.5");
        assertThat(text(1234567.0)).isEqualTo("1234567.0");
        assertThat(text(9999999.999)).isEqualTo("9999999.999");
        assertThat(text(1e7)).isEqualTo("1.0E7");
        assertThat(text(12345678.9)).isEqualTo("1.23456789E7");
        assertThat(text(0.001)).isEqualTo("0.001");
        assertThat(text(0.00123)).isEqualTo("0.00123");
        assertThat(text(9.99e-4)).isEqualTo("9.99E-4");
        assertThat(text(-2.5e-10)).isEqualTo("-2.5E-10");
        assertThat(text(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(text(Double.MIN_VALUE)).isEqualTo("4.9E-324");
        assertThat(text(Double.MAX_VALUE)).isEqualTo("1.7976931348623157E308");
        assertThat(text(2e23)).isEqualTo("2.0E23");
    }

    @Test
    void theFloorLogarithmsAreExactOverTheExponentsOfDoubles() {
        for (int e = -1100; e <= 1100; e++) {
            BigDecimal pow2 = pow2(e);
            int f = ShortestDouble.flog10pow2(e);
            assertThat(pow10(f).compareTo(pow2)).as("10^%d <= 2^%d", f, e).isLessThanOrEqualTo(0);
            assertThat(pow2.compareTo(pow10(f + 1))).as("2^%d < 10^%d", e, f + 1).isNegative();

            BigDecimal threeQuarters = pow2.multiply(BigDecimal.valueOf(3)).divide(pow2(2));
            int g = ShortestDouble.flog10threeQuartersPow2(e);
            assertThat(pow10(g).compareTo(threeQuarters)).isLessThanOrEqualTo(0);
            assertThat(threeQuarters.compareTo(pow10(g + 1))).isNegative();
        }
        for (int e = -350; e <= 350; e++) {
            BigDecimal pow10 = pow10(e);
            int f = ShortestDouble.flog2pow10(e);
            assertThat(pow2(f).compareTo(pow10)).as("2^%d <= 10^%d", f, e).isLessThanOrEqualTo(0);
            assertThat(pow10.compareTo(pow2(f + 1))).as("10^%d < 2^%d", e, f + 1).isNegative();
        }
    }

    private static BigDecimal pow2(int e) {
        return e >= 0
                ? new BigDecimal(java.math.BigInteger.ONE.shiftLeft(e))
                : BigDecimal.ONE.divide(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(-e)));
    }

    private static BigDecimal pow10(int e) {
        return BigDecimal.ONE.scaleByPowerOfTen(e);
    }

    private static void checkAround(double v) {
        DoubleConsumer both =
                x -> {
                    check(x);
                    check(-x);
                };
        both.accept(v);
        both.accept(Math.nextUp(v));
        both.accept(Math.nextDown(v));
    }

    private static void check(double v) {
        if (!Double.isFinite(v)) {
            return;
        }
        String ours = text(v);
        String expected = NumberOutput.toString(v, true);
        if (!ours.equals(expected)) {
            throw new AssertionError(
                    "bits "
                            + Long.toHexString(Double.doubleToRawLongBits(v))
                            + ": wrote "
                            + ours
                            + ", Jackson writes "
                            + expected);
        }
        if (Double.doubleToRawLongBits(Double.parseDouble(ours)) != Double.doubleToRawLongBits(v)) {
            throw new AssertionError(ours + " does not read back to " + expected);
        }
    }

    /** The bytes {@link ShortestDouble#write} writes after a prefix, which it must leave alone. */
    private static String text(double v) {
        byte[] b = new byte[3 + ShortestDouble.MAX_LENGTH];
        b[0] = 'x';
        b[1] = 'y';
        b[2] = 'z';
        int end = ShortestDouble.write(b, 3, v);
        if (b[0] != 'x' || b[1] != 'y' || b[2] != 'z') {
            throw new AssertionError("wrote before its position");
        }
        return new String(b, 3, end - 3, StandardCharsets.US_ASCII);
    }
}

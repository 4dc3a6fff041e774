package dev.cvd.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cvd.market.EventTime;
import dev.cvd.market.JsonBytes;
import dev.cvd.market.WireFormatException;
import dev.cvd.market.WireJson;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hand-written feature row codec against Jackson: the encoder writes exactly what a Jackson
 * generator writes, and the fast decoder reads exactly what the general decoder reads, over rows of
 * awkward values and over layouts only the general decoder accepts.
 */
class FeatureRowCodecParityTest {

    private static final double[] AWKWARD = {
        0.0,
        -0.0,
        1.0,
        -1.0,
        Double.MIN_VALUE,
        -Double.MIN_VALUE,
        Double.MIN_NORMAL,
        Double.MAX_VALUE,
        -Double.MAX_VALUE,
        1e-7,
        1e7,
        9_999_999.999,
        1e21,
        1e22,
        0.1,
        1.0 / 3.0,
        2e-323,
        123_456_789_012_345_680.0,
        Double.NaN,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY
    };

    /** The encoder this codec had before it was written by hand: a Jackson generator. */
    private static String jacksonEncode(String product, long time, double[] values)
            throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = WireJson.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", FeatureRowCodec.VERSION);
            g.writeNumberField("contract", FeatureContract.VERSION);
            g.writeStringField("product_id", product);
            g.writeNumberField("time_us", time);
            g.writeStringField("time", EventTime.format(time));
            g.writeObjectFieldStart("features");
            for (int i = 0; i < FeatureContract.SIZE; i++) {
                g.writeFieldName(FeatureContract.NAMES.get(i));
                if (Double.isFinite(values[i])) {
                    g.writeNumber(values[i]);
                } else {
                    g.writeNull();
                }
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toString();
    }

    private static double value(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> AWKWARD[random.nextInt(AWKWARD.length)];
            case 1 -> Double.longBitsToDouble(random.nextLong());
            case 2 -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-12, 12));
            default -> random.nextInt(-1000, 1000) / 8.0;
        };
    }

    @Test
    void encodesWhatJacksonWritesAndDecodesItBitForBit() throws IOException {
        SplittableRandom random = new SplittableRandom(20251201);
        String[] products = {
            "BTC-USD", "ETH-EUR", "a\"b\\c", "tab\tnew\nline\u0001\u001f\b\f\r\u007f", "é-€-\u2028"
        };
        JsonBytes reused = new JsonBytes(16); // grows on the first row, then is cleared
        for (int n = 0; n < 20_000; n++) {
            String product = products[n % products.length];
            long time = random.nextLong(-10_000_000_000_000_000L, 300_000_000_000_000_000L);
            double[] values = new double[FeatureContract.SIZE];
            for (int i = 0; i < values.length; i++) {
                values[i] = value(random);
            }
            String text = FeatureRowCodec.encode(product, time, values);
            String jackson = jacksonEncode(product, time, values);
            assertThat(text).isEqualTo(jackson);
            assertThat(FeatureRowCodec.write(reused.clear(), product, time, values).toBytes())
                    .as("the record value the stage sends")
                    .isEqualTo(jackson.getBytes(StandardCharsets.UTF_8));
            FeatureRow row = FeatureRowCodec.decode(text);
            assertThat(row).isEqualTo(FeatureRowCodec.decodeAnyLayout(text));
            assertThat(row.productId()).isEqualTo(product);
            assertThat(row.timeMicros()).isEqualTo(time);
            for (int i = 0; i < values.length; i++) {
                double expected = Double.isFinite(values[i]) ? values[i] : Double.NaN;
                assertThat(Double.doubleToRawLongBits(row.values()[i]))
                        .as("feature %d of row %d", i, n)
                        .isEqualTo(Double.doubleToRawLongBits(expected));
            }
        }
    }

    @Test
    void otherLayoutsReadAsTheGeneralDecoderReadsThem() {
        double[] values = new double[FeatureContract.SIZE];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.25 - 1;
        }
        String canonical = FeatureRowCodec.encode("BTC-USD", 1764607486123456L, values);
        String[] variants = {
            canonical.replace(",", ", "),
            canonical.replace("\"ret_1s\":-1.0", "\"ret_1s\":-1"),
            canonical.replace("\"ret_1s\":-1.0", "\"ret_1s\":-0"),
            canonical.replace("\"ret_1s\":-1.0", "\"ret_1s\":-1.0E0"),
            canonical.replace("\"product_id\":\"BTC-USD\"", "\"product_id\":\"BTC\\u002dUSD\""),
            canonical.replace("{\"v\":1,\"contract\":1,", "{\"contract\":1,\"v\":1,"),
            canonical + " ",
            canonical.substring(0, canonical.indexOf(",\"features\"")) + "}",
        };
        for (String text : variants) {
            assertThat(FeatureRowCodec.decode(text))
                    .as(text)
                    .isEqualTo(FeatureRowCodec.decodeAnyLayout(text));
        }
        assertThat(FeatureRowCodec.decode(variants[2]).values()[0]).isEqualTo(0.0);
    }

    @Test
    void brokenCanonicalRecordsAreRejectedWithTheGeneralReasons() {
        double[] values = new double[FeatureContract.SIZE];
        String canonical = FeatureRowCodec.encode("BTC-USD", 1L, values);
        String[][] cases = {
            {canonical.replace("\"ret_1s\":0.0", "\"ret_1s\":01.0"), "malformed_json"},
            {canonical.replace("\"ret_1s\":0.0", "\"ret_1s\":1."), "malformed_json"},
            {canonical.replace("\"ret_1s\":0.0", "\"ret_1s\":\"x\""), "bad_field"},
            {canonical.replace("\"ret_1s\":0.0", "\"ret_1s\":NaN"), "malformed_json"},
            {canonical.replace("\"time_us\":1", "\"time_us\":1.5"), "bad_field"},
            {
                canonical.replace("\"product_id\":\"BTC-USD\"", "\"product_id\":\"\""),
                "missing_product"
            },
            {canonical.replace("BTC-USD", "BTC\u0001USD"), "malformed_json"},
            {canonical.substring(0, canonical.length() - 1), "malformed_json"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> FeatureRowCodec.decode(c[0]))
                    .as(c[0])
                    .isInstanceOfSatisfying(
                            WireFormatException.class, e -> assertThat(e.reason()).isEqualTo(c[1]));
        }
    }
}

package dev.cvd.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cvd.market.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The ticks.features wire format: a golden row, exact round trips, rejections. */
class FeatureRowCodecTest {

    private static FeatureRow sampleRow() {
        double[] v = new double[FeatureContract.SIZE];
        Arrays.fill(v, Double.NaN);
        for (int i = 0; i < 10; i++) {
            v[i] = (i + 1) * 0.001 - 0.004;
        }
        v[FeatureContract.indexOf("spread_bps")] = 0.0011827811424662028;
        v[FeatureContract.indexOf("obi")] = -1.0 / 3.0;
        v[FeatureContract.indexOf("dt_prev_s")] = 0.25;
        return new FeatureRow("BTC-USD", 1764607486123456L, v);
    }

    @Test
    void encodesTheGoldenRow() throws Exception {
        String golden =
                Files.readString(
                                Path.of("src/test/resources/wire/feature_row_v1.json"),
                                StandardCharsets.UTF_8)
                        .strip();
        assertThat(FeatureRowCodec.encode(sampleRow())).isEqualTo(golden);
    }

    @Test
    void decodeGivesBackTheSameRowBitForBit() {
        FeatureRow row = sampleRow();
        assertThat(FeatureRowCodec.decode(FeatureRowCodec.encode(row))).isEqualTo(row);
    }

    @Test
    void rejectsUnknownFeaturesAndOtherVersions() {
        assertThatThrownBy(
                        () ->
                                FeatureRowCodec.decode(
                                        "{\"v\":1,\"contract\":1,\"product_id\":\"X\",\"time_us\":1,"
                                                + "\"features\":{\"price\":1.0}}"))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e -> assertThat(e.reason()).isEqualTo("unknown_feature"));
        assertThatThrownBy(
                        () ->
                                FeatureRowCodec.decode(
                                        "{\"v\":1,\"contract\":2,\"product_id\":\"X\",\"time_us\":1}"))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e -> assertThat(e.getMessage()).contains("feature contract 2"));
    }
}

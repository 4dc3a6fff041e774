package dev.cvd.api.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvd.features.FeatureContract;
import dev.cvd.features.FeatureRow;
import dev.cvd.scoring.stage.Prediction;
import dev.cvd.scoring.stage.ScoredRow;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The JSON of a live stream message. */
class LiveMessageTest {

    @Test
    void aMessageCarriesThePredictionThePriceAndTheKeyFeaturesWithNullForMissing() {
        double[] values = new double[FeatureContract.SIZE];
        Arrays.fill(values, Double.NaN);
        values[FeatureContract.indexOf("ret_60s")] = -4.1e-4;
        values[FeatureContract.indexOf("rv_60s")] = 0.0011234567890123;
        values[FeatureContract.indexOf("spread_bps")] = 0.0011737;
        values[FeatureContract.indexOf("obi")] = -1.0 / 3.0;
        values[FeatureContract.indexOf("rv_30s")] = 7.0; // not a feature of the message
        long time = 1764607486123456L;
        ScoredRow scored =
                new ScoredRow(
                        Prediction.of("BTC-USD", time, 0.1234, 0.1006, "3", "cvd-spike-v1"),
                        new FeatureRow("BTC-USD", time, values),
                        85194.225);

        assertThat(LiveMessage.encode(scored))
                .isEqualTo(
                        "{\"v\":1,\"product_id\":\"BTC-USD\",\"time_us\":1764607486123456,"
                                + "\"time\":\"2025-12-01T16:44:46.123456Z\",\"probability\":0.1234,"
                                + "\"prediction\":1,\"alert\":true,\"threshold\":0.1006,"
                                + "\"model_version\":\"3\",\"model_name\":\"cvd-spike-v1\","
                                + "\"mid\":85194.225,\"features\":{\"ret_60s\":-4.1E-4,"
                                + "\"rv_60s\":0.0011234567890123,\"rv_300s\":null,"
                                + "\"spread_bps\":0.0011737,\"obi\":-0.3333333333333333}}");
    }

    @Test
    void doublesRoundTripAndAMissingPriceIsNull() throws Exception {
        double[] values = new double[FeatureContract.SIZE];
        Arrays.fill(values, Double.NaN);
        double p = Math.nextUp(0.1);
        ScoredRow scored =
                new ScoredRow(
                        Prediction.of("ETH-USD", 1L, p, 0.5, "1", "m"),
                        new FeatureRow("ETH-USD", 1L, values),
                        Double.NaN);
        JsonNode json = new ObjectMapper().readTree(LiveMessage.encode(scored));
        assertThat(json.get("probability").asDouble()).isEqualTo(p);
        assertThat(json.get("prediction").asInt()).isZero();
        assertThat(json.get("alert").asBoolean()).isFalse();
        assertThat(json.get("mid").isNull()).isTrue();
        assertThat(json.get("features").get("rv_60s").isNull()).isTrue();
    }
}

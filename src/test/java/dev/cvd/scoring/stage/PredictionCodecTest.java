package dev.cvd.scoring.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cvd.market.WireFormatException;
import org.junit.jupiter.api.Test;

class PredictionCodecTest {

    @Test
    void aPredictionHasTheDocumentedWireFormatAndRoundTrips() {
        Prediction p =
                Prediction.of("BTC-USD", 1764607486123456L, 0.1 + 0.2, 0.3, "7", "cvd-spike-v1");
        String json = PredictionCodec.encode(p);
        assertThat(json)
                .isEqualTo(
                        "{\"v\":1,\"product_id\":\"BTC-USD\",\"time_us\":1764607486123456,"
                                + "\"time\":\"2025-12-01T16:44:46.123456Z\","
                                + "\"probability\":0.30000000000000004,\"prediction\":1,"
                                + "\"threshold\":0.3,\"model_version\":\"7\","
                                + "\"model_name\":\"cvd-spike-v1\"}");
        assertThat(PredictionCodec.decode(json)).isEqualTo(p);
        assertThat(Prediction.of("BTC-USD", 0, 0.29, 0.3, "7", "m").prediction()).isZero();
    }

    @Test
    void aRecordOfAnotherVersionIsRefused() {
        assertThatThrownBy(() -> PredictionCodec.decode("{\"v\":2}"))
                .isInstanceOf(WireFormatException.class)
                .hasMessage("unsupported_version: schema version 2");
        assertThatThrownBy(() -> PredictionCodec.decode("[]"))
                .isInstanceOf(WireFormatException.class)
                .hasMessage("malformed_json: not a JSON object");
    }
}

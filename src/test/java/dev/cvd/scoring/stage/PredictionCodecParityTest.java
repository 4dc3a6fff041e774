package dev.cvd.scoring.stage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.cvd.market.WireJson;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written prediction encoder writes exactly what Jackson writes for the record. */
class PredictionCodecParityTest {

    private static final ObjectWriter JACKSON =
            new ObjectMapper(WireJson.newFactory()).writerFor(Prediction.class);

    @Test
    void encodesWhatJacksonWrites() throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        double[] awkward = {
            0.0,
            -0.0,
            1.0,
            1e-7,
            0.1 + 0.2,
            Double.MIN_VALUE,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY
        };
        String[] texts = {
            "BTC-USD", "7", "cvd-spike-v1", "q\"uote\\", "ctl\u0000\u001b\n", "é", null
        };
        for (int n = 0; n < 20_000; n++) {
            double probability =
                    n % 4 == 0 ? awkward[random.nextInt(awkward.length)] : random.nextDouble();
            double threshold =
                    n % 5 == 0 ? awkward[random.nextInt(awkward.length)] : random.nextDouble();
            Prediction p =
                    new Prediction(
                            texts[random.nextInt(texts.length)],
                            random.nextLong(),
                            texts[random.nextInt(texts.length)],
                            probability,
                            random.nextInt(2),
                            threshold,
                            texts[random.nextInt(texts.length)],
                            texts[random.nextInt(texts.length)]);
            assertThat(PredictionCodec.encode(p)).isEqualTo(JACKSON.writeValueAsString(p));
        }
    }
}

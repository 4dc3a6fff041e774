package dev.cvd.api.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The {@code product} filter of {@code /ws/predictions}. */
class PredictionSocketQueryTest {

    @Test
    void noProductParameterMeansEveryProduct() {
        assertThat(PredictionSocket.products(null)).isEmpty();
        assertThat(PredictionSocket.products("")).isEmpty();
        assertThat(PredictionSocket.products("minutes=5&product=")).isEmpty();
    }

    @Test
    void productsComeAsACommaSeparatedListOrARepeatedParameter() {
        assertThat(PredictionSocket.products("product=BTC-USD")).containsExactly("BTC-USD");
        assertThat(
                        PredictionSocket.products(
                                "product=BTC-USD%2CETH-USD&x=1&product=SOL-USD,&products=ADA-USD"))
                .containsExactly("BTC-USD", "ETH-USD", "SOL-USD");
    }
}

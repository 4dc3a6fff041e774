package dev.cvd.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureNamesTest {

    @Test
    void windowedNamesAreGroupedAndOthersKept() {
        assertThat(FeatureNames.compact(List.of("a_1s", "a_5s", "b", "c_30s", "d_1s", "d_2s")))
                .isEqualTo("a_{1,5}s, b, c_30s, d_{1,2}s");
    }

    @Test
    void aNearMissIsSuggestedAndAFarOneIsNot() {
        assertThat(FeatureNames.suggestion("RV_60S")).isEqualTo("rv_60s");
        assertThat(FeatureNames.suggestion("spread")).isNull();
        assertThat(FeatureNames.suggestion("spred_bps")).isEqualTo("spread_bps");
        assertThat(FeatureNames.suggestion("obi_mean_30")).isEqualTo("obi_mean_30s");
        assertThat(FeatureNames.suggestion("volume")).isNull();
    }
}

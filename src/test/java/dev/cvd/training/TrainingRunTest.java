package dev.cvd.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cvd.features.FeatureContract;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainingRunTest {

    private static final List<String> FEATURES = List.of("rv_60s", "rv_300s", "ret_5s", "obi");
    private static final TrainingParams FAST =
            new TrainingParams(3, 0.1, 30, 10, 5, 0.8, 0.8, 1, 1, 64, 7, 1);

    /**
     * Rows one second apart whose label grows with rv_300s; from row {@code calmUntil} on the
     * labels are ten times larger, as on a more volatile day.
     */
    static Dataset synthetic(int n, int calmUntil, long seed) {
        Random random = new Random(seed);
        String[] products = new String[n];
        long[] times = new long[n];
        double[][] features = new double[n][];
        double[] labels = new double[n];
        for (int i = 0; i < n; i++) {
            products[i] = "BTC-USD";
            times[i] = 1_700_000_000_000_000L + i * 1_000_000L;
            double[] row = new double[FeatureContract.SIZE];
            Arrays.fill(row, Double.NaN);
            double vol = Math.exp(random.nextGaussian());
            row[FeatureContract.indexOf("rv_300s")] = vol;
            row[FeatureContract.indexOf("rv_60s")] =
                    i % 50 == 0 ? Double.NaN : vol * random.nextDouble();
            row[FeatureContract.indexOf("ret_5s")] = random.nextGaussian();
            row[FeatureContract.indexOf("obi")] = random.nextDouble() * 2 - 1;
            features[i] = row;
            labels[i] = (vol + random.nextDouble()) * (i < calmUntil ? 1 : 10);
        }
        return new Dataset(products, times, features, labels, n + 17, 17, Map.of());
    }

    @Test
    void tauIsTheQuantileOfTheTrainingSplitOnly() throws Exception {
        Dataset data = synthetic(3000, 1800, 1);
        TrainingRun.Outcome o =
                TrainingRun.run(data, FEATURES, ChronologicalSplit.DEFAULT, FAST, "t", "1", null);

        int[] train = o.parts().train();
        double[] trainLabels = Arrays.stream(train).mapToDouble(data::label).toArray();
        double[] allLabels =
                Arrays.stream(TrainingRun.all(data.size())).mapToDouble(data::label).toArray();
        assertThat(o.meta().tau()).isEqualTo(Quantiles.linear(trainLabels, 0.90));
        assertThat(o.meta().tau()).isLessThan(Quantiles.linear(allLabels, 0.90));
        // Validation and test are all on the volatile side: their rows are nearly all spikes.
        assertThat(o.splits().get("test").positives())
                .isGreaterThan(o.splits().get("test").rows() * 9L / 10);
        assertThat(o.splits().get("train").positives())
                .isEqualTo(Arrays.stream(trainLabels).filter(v -> v >= o.meta().tau()).count());
    }

    @Test
    void theSameSeedAndInputGiveAByteIdenticalModel() throws Exception {
        Dataset data = synthetic(3000, 3000, 2);
        TrainingRun.Outcome a =
                TrainingRun.run(data, FEATURES, ChronologicalSplit.DEFAULT, FAST, "t", "1", null);
        TrainingRun.Outcome b =
                TrainingRun.run(data, FEATURES, ChronologicalSplit.DEFAULT, FAST, "t", "1", null);
        assertThat(a.modelJson()).isEqualTo(b.modelJson());
        assertThat(a.meta().threshold()).isEqualTo(b.meta().threshold());
        assertThat(a.meta().dataFingerprint())
                .isEqualTo(data.fingerprint())
                .matches("sha256:[0-9a-f]{64}");
    }

    @Test
    void metaCarriesMetricsOfModelAndBaselinePerSplit() throws Exception {
        Dataset data = synthetic(3000, 3000, 3);
        TrainingRun.Outcome o =
                TrainingRun.run(data, FEATURES, ChronologicalSplit.DEFAULT, FAST, "t", "1", null);
        assertThat(o.meta().metrics())
                .containsOnlyKeys(
                        "train",
                        "validation",
                        "test",
                        "baseline_train",
                        "baseline_validation",
                        "baseline_test");
        for (Map<String, Double> m : o.meta().metrics().values()) {
            for (String k :
                    List.of("pr_auc", "roc_auc", "precision", "recall", "f1", "positive_rate")) {
                assertThat(m.get(k)).as(k).isBetween(0.0, 1.0);
            }
        }
        // The label grows with rv_300s: the model must rank far better than chance.
        assertThat(o.meta().metrics().get("test").get("roc_auc")).isGreaterThan(0.75);
        assertThat(o.meta().features()).isEqualTo(FEATURES);
        assertThat(o.meta().threshold()).isBetween(0.0, 1.0);
        assertThat(o.meta().trainStart()).isEqualTo("2023-11-14T22:13:20Z");
    }

    @Test
    void tooFewSpikesInASplitIsAnError() {
        // Labels rise through the training rows, then drop to 0: validation has no spike.
        Dataset data = synthetic(3000, 3000, 4);
        double[] labels = new double[data.size()];
        String[] products = new String[data.size()];
        long[] times = new long[data.size()];
        double[][] features = new double[data.size()][];
        for (int i = 0; i < labels.length; i++) {
            products[i] = data.product(i);
            times[i] = data.timeMicros(i);
            features[i] = new double[FeatureContract.SIZE];
            labels[i] = i < 1800 ? i : 0.0; // later rows never reach the training tau
        }
        Dataset calmLater = new Dataset(products, times, features, labels, 3000, 0, Map.of());
        assertThatThrownBy(
                        () ->
                                TrainingRun.run(
                                        calmLater,
                                        FEATURES,
                                        ChronologicalSplit.DEFAULT,
                                        FAST,
                                        "t",
                                        "1",
                                        null))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("too few spikes in the validation split");
    }
}

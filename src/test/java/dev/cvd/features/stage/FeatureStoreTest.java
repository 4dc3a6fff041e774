package dev.cvd.features.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cvd.features.FeatureContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Parquet feature store: partitions, rolling, and complete files only. */
class FeatureStoreTest {

    private static final long DAY_MICROS = 86_400_000_000L;
    private static final long DEC_1 = 20423 * DAY_MICROS; // 2025-12-01T00:00Z

    @TempDir Path root;

    private static double[] row(double first) {
        double[] v = new double[FeatureContract.SIZE];
        Arrays.fill(v, Double.NaN);
        v[0] = first;
        return v;
    }

    private List<String> files() throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replaceAll("part-\\d+-", "part-"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void rowsArePartitionedByDateAndProductAndRolledByRowCount() throws Exception {
        long[] clock = {0};
        try (FeatureStore store = new FeatureStore(root, 2, Long.MAX_VALUE, () -> clock[0])) {
            store.write("BTC-USD", DEC_1 + 1, row(1), 100.0 + 1);
            store.write("BTC-USD", DEC_1 + 2, row(2), 100.0 + 2); // rolls: 2 rows
            store.write("BTC-USD", DEC_1 + 3, row(3), 100.0 + 3);
            store.write("ETH-USD", DEC_1 + 4, row(4), 100.0 + 4);
            store.write("BTC-USD", DEC_1 + DAY_MICROS, row(5), 100.0 + 5); // next day closes Dec 1
            assertThat(files())
                    .containsExactly(
                            "date=2025-12-01/product=BTC-USD/part-0.parquet",
                            "date=2025-12-01/product=BTC-USD/part-1.parquet",
                            "date=2025-12-01/product=ETH-USD/part-2.parquet.inprogress",
                            "date=2025-12-02/product=BTC-USD/part-3.parquet.inprogress");
        }
        // close() is the shutdown flush: everything complete, nothing in progress.
        assertThat(files()).noneMatch(f -> f.endsWith(".inprogress")).hasSize(4);

        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT date, product, product_id, epoch_us(time) AS t, ret_1s, mid FROM"
                                        + " read_parquet('"
                                        + root
                                        + "/**/*.parquet', hive_partitioning = true)"
                                        + " ORDER BY t")) {
            while (rs.next()) {
                rows.add(
                        rs.getString(1)
                                + " "
                                + rs.getString(2)
                                + " "
                                + rs.getString(3)
                                + " "
                                + (rs.getLong(4) - DEC_1)
                                + " "
                                + rs.getDouble(5)
                                + " "
                                + rs.getDouble(6));
            }
        }
        assertThat(rows)
                .containsExactly(
                        "2025-12-01 BTC-USD BTC-USD 1 1.0 101.0",
                        "2025-12-01 BTC-USD BTC-USD 2 2.0 102.0",
                        "2025-12-01 BTC-USD BTC-USD 3 3.0 103.0",
                        "2025-12-01 ETH-USD ETH-USD 4 4.0 104.0",
                        "2025-12-02 BTC-USD BTC-USD " + DAY_MICROS + " 5.0 105.0");
    }

    @Test
    void filesRollWhenTheyReachTheirMaximumAge() throws Exception {
        long[] clock = {0};
        try (FeatureStore store = new FeatureStore(root, 1000, 60_000_000_000L, () -> clock[0])) {
            store.write("BTC-USD", DEC_1, row(1), 100.0 + 1);
            clock[0] = 59_000_000_000L;
            store.rollAged();
            assertThat(store.completedFiles()).isEmpty();
            clock[0] = 60_000_000_000L;
            store.rollAged();
            assertThat(store.completedFiles()).hasSize(1);
            assertThat(files()).containsExactly("date=2025-12-01/product=BTC-USD/part-0.parquet");
        }
    }

    @Test
    void aRefusedRowFinishesTheFileBeforeItAndTheNextRowStartsANewOne() throws Exception {
        try (FeatureStore store = new FeatureStore(root, 100, Long.MAX_VALUE, () -> 0)) {
            store.write("BTC-USD", DEC_1 + 1, row(1), 101.0);
            assertThatThrownBy(() -> store.write("BTC-USD", DEC_1 + 2, new double[3], 102.0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(files()).containsExactly("date=2025-12-01/product=BTC-USD/part-0.parquet");
            store.write("BTC-USD", DEC_1 + 3, row(3), 103.0);
        }
        assertThat(files())
                .containsExactly(
                        "date=2025-12-01/product=BTC-USD/part-0.parquet",
                        "date=2025-12-01/product=BTC-USD/part-1.parquet");
        List<Double> ret1s = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT ret_1s FROM read_parquet('"
                                        + root
                                        + "/**/*.parquet') ORDER BY ret_1s")) {
            while (rs.next()) {
                ret1s.add(rs.getDouble(1));
            }
        }
        assertThat(ret1s).containsExactly(1.0, 3.0);
    }
}

package dev.cvd.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cvd.market.Side;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feature Parquet files as an independent reader (DuckDB) sees them. */
class FeatureParquetWriterTest {

    record Row(String product, long time, double[] values, double mid) {}

    @Test
    void duckDbReadsTheSchemaAndEveryValueBitForBit(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("features.parquet");
        List<Row> written = new ArrayList<>();
        FeatureEngine engine = new FeatureEngine();
        try (FeatureParquetWriter writer = FeatureParquetWriter.create(file)) {
            FeatureRowSink both =
                    (product, time, values) -> {
                        written.add(new Row(product, time, values.clone(), engine.rowMid()));
                        writer.accept(product, time, values, engine.rowMid());
                    };
            long t0 = 1_764_547_200_123_456L;
            for (int i = 0; i < 400; i++) {
                long t = t0 + i * 1_000_000L;
                String product = i % 3 == 0 ? "ETH-USD" : "BTC-USD";
                if (i % 7 == 0) {
                    engine.onTrade(product, t, 100.0, 0.5, i % 2 == 0 ? Side.BUY : Side.SELL);
                }
                double mid = 100.0 + (i % 11) * 0.01;
                engine.onQuote(product, t, mid - 0.005, i % 5, mid + 0.005, 1.0, both);
            }
            assertThat(writer.rows()).isEqualTo(400);
        }

        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            List<String> columns = new ArrayList<>();
            List<String> types = new ArrayList<>();
            try (ResultSet rs =
                    s.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + file + "')")) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                    types.add(rs.getString(2));
                }
            }
            List<String> expected = new ArrayList<>(List.of("product_id", "time"));
            expected.addAll(FeatureContract.NAMES);
            expected.add(FeatureParquetWriter.MID_COLUMN);
            assertThat(columns).containsExactlyElementsOf(expected);
            assertThat(types.get(0)).isEqualTo("VARCHAR");
            assertThat(types.get(1)).isEqualTo("TIMESTAMP WITH TIME ZONE");
            assertThat(types.subList(2, types.size())).containsOnly("DOUBLE");

            StringBuilder select = new StringBuilder("SELECT product_id, epoch_us(time)");
            for (String name : FeatureContract.NAMES) {
                select.append(", ").append(name);
            }
            select.append(", mid FROM read_parquet('").append(file).append("')");
            int i = 0;
            try (ResultSet rs = s.executeQuery(select.toString())) {
                while (rs.next()) {
                    Row w = written.get(i++);
                    assertThat(rs.getString(1)).isEqualTo(w.product());
                    assertThat(rs.getLong(2)).isEqualTo(w.time());
                    for (int f = 0; f < FeatureContract.SIZE; f++) {
                        double v = rs.getDouble(3 + f);
                        assertThat(Double.doubleToLongBits(v))
                                .as("row %d %s", i, FeatureContract.NAMES.get(f))
                                .isEqualTo(Double.doubleToLongBits(w.values()[f]));
                    }
                    assertThat(rs.getDouble(3 + FeatureContract.SIZE)).isEqualTo(w.mid());
                }
            }
            assertThat(i).isEqualTo(written.size());
            // The file mixes missing and present values, so the comparison above saw both.
            assertThat(written.get(0).values()[0]).isNaN();
            assertThat(written.get(written.size() - 1).values()[FeatureContract.indexOf("rv_300s")])
                    .isGreaterThan(0);
        }
    }

    @Test
    void rowsSpreadOverManyRowGroupsAllReadBackWithTheContractVersion(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("groups.parquet");
        int rows = 25_000;
        try (FeatureParquetWriter writer = FeatureParquetWriter.create(file, 256 * 1024)) {
            double[] values = new double[FeatureContract.SIZE];
            for (int i = 0; i < rows; i++) {
                for (int f = 0; f < values.length; f++) {
                    values[f] = i * 100.0 + f;
                }
                writer.accept(i % 2 == 0 ? "BTC-USD" : "ETH-USD", 1_000_000L * i, values, i);
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            String source = "read_parquet('" + file + "')";
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT count(*), sum(mid), sum(epoch_us(time)),"
                                    + " count(*) FILTER (WHERE spread_bps = mid * 100 + "
                                    + FeatureContract.indexOf("spread_bps")
                                    + "),"
                                    + " count(*) FILTER (WHERE product_id = 'ETH-USD') FROM "
                                    + source)) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(rows);
                assertThat(rs.getDouble(2)).isEqualTo(rows * (rows - 1) / 2.0);
                assertThat(rs.getLong(3)).isEqualTo(1_000_000L * rows * (rows - 1) / 2);
                assertThat(rs.getLong(4)).isEqualTo(rows);
                assertThat(rs.getLong(5)).isEqualTo(rows / 2);
            }
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT count(DISTINCT row_group_id) FROM parquet_metadata('"
                                    + file
                                    + "')")) {
                rs.next();
                assertThat(rs.getLong(1)).as("row groups").isGreaterThan(5);
            }
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT decode(value) FROM parquet_kv_metadata('"
                                    + file
                                    + "') WHERE decode(key) = '"
                                    + FeatureParquetWriter.CONTRACT_KEY
                                    + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(String.valueOf(FeatureContract.VERSION));
            }
        }
    }

    @Test
    void aRowThatFailsStopsTheWriterAndTheFileIsNeverFinished(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("failed.parquet");
        FeatureParquetWriter writer = FeatureParquetWriter.create(file);
        double[] values = new double[FeatureContract.SIZE];
        writer.accept("BTC-USD", 1L, values, 1.0);
        assertThatThrownBy(() -> writer.accept("BTC-USD", 2L, new double[3], 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("28 feature values expected, got 3");
        // Any row that throws stops the writer: one failing midway would leave the columns unequal.
        assertThatThrownBy(() -> writer.accept(null, 3L, values, 1.0))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> writer.accept("BTC-USD", 4L, values, 1.0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("an earlier feature row failed");
        assertThatThrownBy(writer::close)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("incomplete");
        assertThatThrownBy(writer::close).as("closing again").isInstanceOf(IOException.class);
        assertThat(writer.rows()).isEqualTo(1);
    }

    @Test
    void aFileWhoseWritesFailIsClosedAllTheSame() throws Exception {
        // Every write to /dev/full fails with "no space left on device"; the file opens fine.
        Path full = Path.of("/dev/full");
        assertThat(full).exists();
        assertThat(openFilesOn(full)).isZero();
        FeatureParquetWriter writer = FeatureParquetWriter.create(full, 64 * 1024);
        assertThat(openFilesOn(full)).isOne();
        double[] values = new double[FeatureContract.SIZE];
        assertThatThrownBy(
                        () -> {
                            // Row groups of 64 KiB: the first one cut goes to the device and fails.
                            for (long t = 0; t < 1_000_000; t++) {
                                writer.accept("BTC-USD", t, values, 1.0);
                            }
                        })
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot write a feature row group");
        assertThatThrownBy(writer::close)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("incomplete");
        // Parquet's own writer gave up on its stream and left it open; the file is closed anyway.
        assertThat(openFilesOn(full)).isZero();
    }

    /** How many of this process's open files are {@code file} (Linux: /proc/self/fd). */
    private static long openFilesOn(Path file) throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(
                            fd -> {
                                try {
                                    return Files.readSymbolicLink(fd).equals(file);
                                } catch (IOException e) {
                                    return false; // closed meanwhile (the listing's own)
                                }
                            })
                    .count();
        }
    }
}

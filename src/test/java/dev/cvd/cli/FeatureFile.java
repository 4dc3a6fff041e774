package dev.cvd.cli;

import dev.cvd.features.FeatureContract;
import dev.cvd.features.FeatureEngine;
import dev.cvd.ingest.FieldMapping;
import dev.cvd.ingest.RecordingListener;
import dev.cvd.ingest.RecordingReader;
import dev.cvd.market.MarketEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Feature rows as DuckDB reads them from a Parquet file, and as the engine computes them directly
 * from recordings, for comparing the two.
 */
final class FeatureFile {

    /** The bundled ten-minute recording under {@code replay/}. */
    static final Path REPLAY = Path.of("replay", "ticks_BTCUSD_20251201_164446_10min.ndjson.gz");

    private FeatureFile() {}

    /** One feature row. */
    record Row(String product, long timeMicros, double[] values) {
        double get(String feature) {
            return values[FeatureContract.indexOf(feature)];
        }
    }

    /** A test recording on the classpath, under {@code recordings/}. */
    static Path recording(String name) {
        URL url = FeatureFile.class.getResource("/recordings/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no test recording " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Column names and DuckDB types of a Parquet file, in file order. */
    static List<String[]> columns(Path parquet) throws SQLException {
        List<String[]> columns = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + parquet + "')")) {
            while (rs.next()) {
                columns.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        return columns;
    }

    /** Every row of a feature Parquet file, in file order, time as UTC microseconds. */
    static List<Row> read(Path parquet) throws SQLException {
        StringBuilder select = new StringBuilder("SELECT product_id, epoch_us(time)");
        for (String name : FeatureContract.NAMES) {
            select.append(", ").append(name);
        }
        select.append(" FROM read_parquet('").append(parquet).append("')");
        List<Row> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(select.toString())) {
            while (rs.next()) {
                double[] values = new double[FeatureContract.SIZE];
                for (int f = 0; f < values.length; f++) {
                    values[f] = rs.getDouble(3 + f);
                }
                rows.add(new Row(rs.getString(1), rs.getLong(2), values));
            }
        }
        return rows;
    }

    /** The rows of the engine fed directly by the reader, the files read in order as one stream. */
    static List<Row> engineRows(FieldMapping mapping, Path... recordings) {
        FeatureEngine engine = new FeatureEngine();
        List<Row> rows = new ArrayList<>();
        RecordingListener feed =
                new RecordingListener() {
                    @Override
                    public void onEvent(MarketEvent event) {
                        engine.accept(event, (p, t, v) -> rows.add(new Row(p, t, v.clone())));
                    }

                    @Override
                    public void onRejected(String reason, String line) {}
                };
        RecordingReader reader = new RecordingReader(mapping);
        try {
            for (Path recording : recordings) {
                reader.read(recording, feed);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }
}

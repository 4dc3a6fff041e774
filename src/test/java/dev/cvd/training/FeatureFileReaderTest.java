package dev.cvd.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cvd.features.FeatureContract;
import dev.cvd.features.FeatureEngine;
import dev.cvd.features.FeatureParquetWriter;
import dev.cvd.ingest.FieldMapping;
import dev.cvd.ingest.RecordingListener;
import dev.cvd.ingest.RecordingReader;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureFileReaderTest {

    static final Path REPLAY = Path.of("replay/ticks_BTCUSD_20251201_164446_10min.ndjson.gz");

    @TempDir Path dir;

    @Test
    void aFeatureFileWithMidsGivesTheSameRowsAsTheRecording() throws Exception {
        MessageType schema = schemaWithMid();
        Path file = dir.resolve("features.parquet");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> writer =
                ExampleParquetWriter.builder(new LocalOutputFile(file))
                        .withConf(new PlainParquetConfiguration())
                        .withType(schema)
                        .build()) {
            FeatureEngine engine = new FeatureEngine();
            double[] mid = new double[1];
            new RecordingReader(FieldMapping.DEFAULT)
                    .read(
                            REPLAY,
                            new RecordingListener() {
                                @Override
                                public void onEvent(MarketEvent e) {
                                    if (e instanceof Quote q) {
                                        mid[0] = (q.bid() + q.ask()) / 2;
                                    }
                                    engine.accept(
                                            e,
                                            (product, time, values) -> {
                                                Group g =
                                                        groups.newGroup()
                                                                .append("product_id", product)
                                                                .append("time", time)
                                                                .append("mid", mid[0]);
                                                for (int i = 0; i < values.length; i++) {
                                                    g.append(
                                                            FeatureContract.NAMES.get(i),
                                                            values[i]);
                                                }
                                                try {
                                                    writer.write(g);
                                                } catch (java.io.IOException x) {
                                                    throw new java.io.UncheckedIOException(x);
                                                }
                                            });
                                }

                                @Override
                                public void onRejected(String reason, String line) {}
                            });
        }
        DatasetBuilder builder = new DatasetBuilder();
        FeatureFileReader.read(file, builder);
        Dataset fromFile = builder.build();
        Dataset fromRecording =
                DatasetBuilder.fromRecordings(List.of(REPLAY), FieldMapping.DEFAULT);

        assertThat(fromFile.size()).isEqualTo(fromRecording.size()).isGreaterThan(3000);
        assertThat(fromFile.unlabelled()).isEqualTo(fromRecording.unlabelled());
        assertThat(fromFile.fingerprint()).isEqualTo(fromRecording.fingerprint());
    }

    @Test
    void aFileWrittenLikeCvdFeaturesGivesTheSameRowsAsTheRecording() throws Exception {
        Path file = dir.resolve("cvd-features.parquet");
        try (FeatureParquetWriter writer = FeatureParquetWriter.create(file)) {
            FeatureEngine engine = new FeatureEngine();
            new RecordingReader(FieldMapping.DEFAULT)
                    .read(
                            REPLAY,
                            new RecordingListener() {
                                @Override
                                public void onEvent(MarketEvent e) {
                                    engine.accept(
                                            e,
                                            (p, t, v) -> writer.accept(p, t, v, engine.rowMid()));
                                }

                                @Override
                                public void onRejected(String reason, String line) {}
                            });
        }
        DatasetBuilder builder = new DatasetBuilder();
        FeatureFileReader.read(file, builder);
        Dataset fromRecording =
                DatasetBuilder.fromRecordings(List.of(REPLAY), FieldMapping.DEFAULT);
        assertThat(builder.build().fingerprint()).isEqualTo(fromRecording.fingerprint());
    }

    @Test
    void aFeatureFileWithoutMidsCannotBeLabelled() throws Exception {
        Path file = dir.resolve("plain.parquet");
        try (FeatureParquetWriter writer = FeatureParquetWriter.create(file)) {
            double[] row = new double[FeatureContract.SIZE];
            writer.accept("BTC-USD", 1_000_000L, row);
        }
        assertThatThrownBy(() -> FeatureFileReader.read(file, new DatasetBuilder()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("row 0 has no mid price");
    }

    private static MessageType schemaWithMid() {
        Types.GroupBuilder<MessageType> b =
                Types.buildMessage()
                        .required(PrimitiveTypeName.BINARY)
                        .as(LogicalTypeAnnotation.stringType())
                        .named("product_id")
                        .required(PrimitiveTypeName.INT64)
                        .as(
                                LogicalTypeAnnotation.timestampType(
                                        true, LogicalTypeAnnotation.TimeUnit.MICROS))
                        .named("time")
                        .required(PrimitiveTypeName.DOUBLE)
                        .named("mid");
        for (String name : FeatureContract.NAMES) {
            b = b.required(PrimitiveTypeName.DOUBLE).named(name);
        }
        return b.named("feature_row_with_mid");
    }
}

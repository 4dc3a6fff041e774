package dev.cvd.features;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Writes feature rows to a Parquet file: {@code product_id} (string), {@code time} (timestamp,
 * microseconds, UTC) and the contract v1 features as doubles in contract order, NaN where a feature
 * is missing. The file's key-value metadata carries {@code cvd.contract.version}.
 *
 * <p>Rows are encoded straight from the engine's reused array, without per-row objects. Not
 * thread-safe. {@link #close()} finishes the file; a file that was not closed is not readable.
 */
public final class FeatureParquetWriter implements FeatureRowSink, Closeable {

    /** Name of the product column. */
    public static final String PRODUCT_COLUMN = "product_id";

    /** Name of the event-time column. */
    public static final String TIME_COLUMN = "time";

    /**
     * The last column: each row's quote mid price {@code (bid + ask) / 2}. Not a feature; it is
     * what labels are computed from when training reads a feature file.
     */
    public static final String MID_COLUMN = "mid";

    /** Key of the contract version in the file's metadata. */
    public static final String CONTRACT_KEY = "cvd.contract.version";

    /** The file schema. */
    public static final MessageType SCHEMA = schema();

    private final ParquetWriter<Row> writer;
    private final Row row = new Row();
    private long rows;

    private FeatureParquetWriter(ParquetWriter<Row> writer) {
        this.writer = writer;
    }

    /**
     * Creates (or replaces) a Parquet file of feature rows, creating missing parent folders.
     *
     * @throws IOException if the file cannot be created
     */
    public static FeatureParquetWriter create(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ParquetWriter<Row> writer =
                new Builder(new LocalOutputFile(file))
                        .withConf(new PlainParquetConfiguration())
                        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                        .withCompressionCodec(CompressionCodecName.SNAPPY)
                        // Feature values are nearly all distinct: a dictionary per double column
                        // costs a hash lookup per value and then falls back to plain anyway.
                        .withDictionaryEncoding(false)
                        .withDictionaryEncoding(PRODUCT_COLUMN, true)
                        .build();
        return new FeatureParquetWriter(writer);
    }

    /** Writes a row without its mid price (NaN in the {@value #MID_COLUMN} column). */
    @Override
    public void accept(String productId, long timeMicros, double[] values) {
        accept(productId, timeMicros, values, Double.NaN);
    }

    /**
     * Writes a row.
     *
     * @param mid the quote's mid price, {@link FeatureEngine#rowMid()} inside the engine's sink
     */
    public void accept(String productId, long timeMicros, double[] values, double mid) {
        row.productId = productId;
        row.timeMicros = timeMicros;
        row.values = values;
        row.mid = mid;
        try {
            writer.write(row);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a feature row", e);
        }
        rows++;
    }

    /**
     * @return rows written so far
     */
    public long rows() {
        return rows;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }

    private static MessageType schema() {
        Types.GroupBuilder<MessageType> b =
                Types.buildMessage()
                        .required(PrimitiveTypeName.BINARY)
                        .as(LogicalTypeAnnotation.stringType())
                        .named(PRODUCT_COLUMN)
                        .required(PrimitiveTypeName.INT64)
                        .as(
                                LogicalTypeAnnotation.timestampType(
                                        true, LogicalTypeAnnotation.TimeUnit.MICROS))
                        .named(TIME_COLUMN);
        for (String name : FeatureContract.NAMES) {
            b = b.required(PrimitiveTypeName.DOUBLE).named(name);
        }
        b = b.required(PrimitiveTypeName.DOUBLE).named(MID_COLUMN);
        return b.named("feature_row_v" + FeatureContract.VERSION);
    }

    /** The reusable view of one row handed to Parquet. */
    private static final class Row {
        String productId;
        long timeMicros;
        double[] values;
        double mid;
    }

    private static final class RowWriteSupport extends WriteSupport<Row> {
        private RecordConsumer consumer;
        private String lastProduct;
        private Binary lastProductBinary;

        @Override
        public WriteContext init(Configuration configuration) {
            return context();
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return context();
        }

        private static WriteContext context() {
            Map<String, String> meta = new HashMap<>();
            meta.put(CONTRACT_KEY, Integer.toString(FeatureContract.VERSION));
            return new WriteContext(SCHEMA, meta);
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.consumer = recordConsumer;
        }

        @Override
        public void write(Row r) {
            if (!r.productId.equals(lastProduct)) {
                lastProduct = r.productId;
                lastProductBinary = Binary.fromString(r.productId);
            }
            consumer.startMessage();
            consumer.startField(PRODUCT_COLUMN, 0);
            consumer.addBinary(lastProductBinary);
            consumer.endField(PRODUCT_COLUMN, 0);
            consumer.startField(TIME_COLUMN, 1);
            consumer.addLong(r.timeMicros);
            consumer.endField(TIME_COLUMN, 1);
            double[] v = r.values;
            for (int i = 0; i < FeatureContract.SIZE; i++) {
                String name = FeatureContract.NAMES.get(i);
                consumer.startField(name, i + 2);
                consumer.addDouble(v[i]);
                consumer.endField(name, i + 2);
            }
            consumer.startField(MID_COLUMN, FeatureContract.SIZE + 2);
            consumer.addDouble(r.mid);
            consumer.endField(MID_COLUMN, FeatureContract.SIZE + 2);
            consumer.endMessage();
        }
    }

    private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
        Builder(OutputFile file) {
            super(file);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Row> getWriteSupport(Configuration conf) {
            return new RowWriteSupport();
        }

        @Override
        protected WriteSupport<Row> getWriteSupport(ParquetConfiguration conf) {
            return new RowWriteSupport();
        }
    }
}

package dev.cvd.features;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Writes feature rows to a Parquet file: {@code product_id} (string), {@code time} (timestamp,
 * microseconds, UTC) and the contract v1 features as doubles in contract order, NaN where a feature
 * is missing. The file's key-value metadata carries {@code cvd.contract.version}.
 *
 * <p>Rows go straight to Parquet's column writers, one value per column, from the engine's reused
 * array: no per-row objects, and not through Parquet's record layer, whose bookkeeping for nested
 * records (field markers, levels, a lookup per field) cost about as much as the values themselves
 * for these flat rows. Pages are snappy-compressed; a row group is cut at about {@value
 * #ROW_GROUP_BYTES} bytes buffered, as {@code ParquetWriter} cuts them. Not thread-safe. {@link
 * #close()} finishes the file; a file that was not closed is not readable.
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

    /** Buffered bytes at which a row group is written out: Parquet's default block size. */
    static final long ROW_GROUP_BYTES = ParquetWriter.DEFAULT_BLOCK_SIZE;

    /** Rows between two looks at the buffered size (which sums over every column). */
    private static final int ROWS_PER_SIZE_CHECK = 1_000;

    private static final ParquetProperties PROPERTIES =
            ParquetProperties.builder()
                    // Feature values are nearly all distinct: a dictionary per double column
                    // costs a hash lookup per value and then falls back to plain anyway.
                    .withDictionaryEncoding(false)
                    .withDictionaryEncoding(PRODUCT_COLUMN, true)
                    .build();

    private final ParquetFileWriter file;
    private final KeptOutput output;
    private final long rowGroupBytes;
    private final CodecFactory codecs;
    private final CompressionCodecFactory.BytesInputCompressor compressor;
    private ColumnChunkPageWriteStore pages;
    private ColumnWriteStore columns;
    private ColumnWriter product;
    private ColumnWriter time;
    private final ColumnWriter[] features = new ColumnWriter[FeatureContract.SIZE];
    private ColumnWriter mid;
    private String lastProduct;
    private Binary lastProductBinary;
    private long rows;
    private long groupRows;
    private boolean closed;

    /**
     * Why an earlier row or row group could not be written: the columns may then hold unequal
     * numbers of values, so the writer takes no more rows and {@link #close()} writes no footer.
     */
    private RuntimeException failure;

    private FeatureParquetWriter(ParquetFileWriter file, KeptOutput output, long rowGroupBytes) {
        this.file = file;
        this.output = output;
        this.rowGroupBytes = rowGroupBytes;
        this.codecs =
                new CodecFactory(
                        new PlainParquetConfiguration(), PROPERTIES.getPageSizeThreshold());
        this.compressor = codecs.getCompressor(CompressionCodecName.SNAPPY);
        startRowGroup();
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

    /**
     * Creates (or replaces) a Parquet file of feature rows, creating missing parent folders.
     *
     * @throws IOException if the file cannot be created
     */
    public static FeatureParquetWriter create(Path file) throws IOException {
        return create(file, ROW_GROUP_BYTES);
    }

    /** As {@link #create(Path)}, cutting row groups at {@code rowGroupBytes} buffered. */
    static FeatureParquetWriter create(Path file, long rowGroupBytes) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        KeptOutput output = new KeptOutput(new LocalOutputFile(file));
        try {
            ParquetFileWriter writer =
                    new ParquetFileWriter(
                            output,
                            SCHEMA,
                            ParquetFileWriter.Mode.OVERWRITE,
                            rowGroupBytes,
                            0,
                            null,
                            PROPERTIES);
            writer.start();
            return new FeatureParquetWriter(writer, output, rowGroupBytes);
        } catch (IOException | RuntimeException e) {
            output.closeAfter(e);
            throw e;
        }
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
        if (closed) {
            throw new IllegalStateException("the feature file is closed");
        }
        if (failure != null) {
            throw new IllegalStateException("an earlier feature row failed: " + failure, failure);
        }
        if (values.length != FeatureContract.SIZE) {
            throw new IllegalArgumentException(
                    FeatureContract.SIZE + " feature values expected, got " + values.length);
        }
        try {
            write(productId, timeMicros, values, mid);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    private void write(String productId, long timeMicros, double[] values, double mid) {
        if (!productId.equals(lastProduct)) {
            lastProduct = productId;
            lastProductBinary = Binary.fromString(productId);
        }
        // Required, not repeated columns: every value has repetition and definition level 0.
        product.write(lastProductBinary, 0, 0);
        time.write(timeMicros, 0, 0);
        for (int i = 0; i < FeatureContract.SIZE; i++) {
            features[i].write(values[i], 0, 0);
        }
        this.mid.write(mid, 0, 0);
        columns.endRecord();
        rows++;
        groupRows++;
        if (groupRows % ROWS_PER_SIZE_CHECK == 0 && columns.getBufferedSize() >= rowGroupBytes) {
            try {
                endRowGroup();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write a feature row group", e);
            }
            startRowGroup();
        }
    }

    /**
     * @return rows written so far
     */
    public long rows() {
        return rows;
    }

    /**
     * Finishes the file: the last row group, then the footer. If a row failed before, or finishing
     * fails, the file gets no footer (it is not readable) and this throws, now and on any later
     * call, so that an incomplete file is never taken for a finished one.
     *
     * @throws IOException if the file could not be finished
     */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            try {
                if (failure == null) {
                    endRowGroup();
                    file.end(Map.of(CONTRACT_KEY, Integer.toString(FeatureContract.VERSION)));
                }
            } catch (IOException | RuntimeException e) {
                failure =
                        e instanceof RuntimeException r
                                ? r
                                : new UncheckedIOException((IOException) e);
            } finally {
                codecs.release();
                try {
                    file.close();
                } finally {
                    // Parquet's writer leaves its stream open once an I/O error made it give up.
                    output.closeAfter(failure);
                }
            }
        }
        if (failure != null) {
            throw new IOException(
                    "the feature file is incomplete: " + failure.getMessage(), failure);
        }
    }

    private void startRowGroup() {
        pages =
                new ColumnChunkPageWriteStore(
                        compressor,
                        SCHEMA,
                        PROPERTIES.getAllocator(),
                        PROPERTIES.getColumnIndexTruncateLength(),
                        PROPERTIES.getPageWriteChecksumEnabled());
        columns = PROPERTIES.newColumnWriteStore(SCHEMA, pages);
        List<ColumnDescriptor> descriptors = SCHEMA.getColumns();
        product = columns.getColumnWriter(descriptors.get(0));
        time = columns.getColumnWriter(descriptors.get(1));
        for (int i = 0; i < FeatureContract.SIZE; i++) {
            features[i] = columns.getColumnWriter(descriptors.get(i + 2));
        }
        mid = columns.getColumnWriter(descriptors.get(FeatureContract.SIZE + 2));
        groupRows = 0;
    }

    /** Writes the buffered rows as a row group, if there are any, and frees the buffers. */
    private void endRowGroup() throws IOException {
        try {
            if (groupRows > 0) {
                file.startBlock(groupRows);
                columns.flush();
                pages.flushToFileWriter(file);
                file.endBlock();
            }
        } finally {
            columns.close();
            pages.close();
        }
    }

    /**
     * The output file, keeping the stream Parquet's writer opens on it, so that the stream is
     * closed even where that writer does not close it: when it gave up after an I/O error, or when
     * starting the file failed.
     */
    private static final class KeptOutput implements OutputFile, Closeable {
        private final OutputFile file;
        private PositionOutputStream stream;

        KeptOutput(OutputFile file) {
            this.file = file;
        }

        @Override
        public PositionOutputStream create(long blockSizeHint) throws IOException {
            stream = file.create(blockSizeHint);
            return stream;
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
            stream = file.createOrOverwrite(blockSizeHint);
            return stream;
        }

        @Override
        public boolean supportsBlockSize() {
            return file.supportsBlockSize();
        }

        @Override
        public long defaultBlockSize() {
            return file.defaultBlockSize();
        }

        @Override
        public String getPath() {
            return file.getPath();
        }

        /** Closes the stream, if one was opened (again if Parquet closed it: that is harmless). */
        @Override
        public void close() throws IOException {
            if (stream != null) {
                stream.close();
            }
        }

        /**
         * Closes the stream; after a {@code failure} (if not null), a failure to close is added to
         * it rather than thrown.
         */
        void closeAfter(Exception failure) throws IOException {
            if (failure == null) {
                close();
                return;
            }
            try {
                close();
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }
}

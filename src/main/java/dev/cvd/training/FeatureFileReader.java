package dev.cvd.training;

import dev.cvd.features.FeatureContract;
import dev.cvd.features.FeatureParquetWriter;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;

/**
 * Reads a feature Parquet file (the layout of {@link FeatureParquetWriter}: {@code product_id},
 * {@code time}, the contract v1 features) into a {@link DatasetBuilder}.
 *
 * <p>The label needs each quote's tick-to-tick return, which no v1 feature carries (the windowed
 * volatilities cannot be inverted at a segment's start), so the file must also have a double column
 * {@value #MID_COLUMN} with each quote's mid price {@code (bid + ask) / 2}. Rows must be in arrival
 * order per product, as the writer writes them.
 */
public final class FeatureFileReader {

    /** The extra column labels are computed from: the quote's mid price. */
    public static final String MID_COLUMN = FeatureParquetWriter.MID_COLUMN;

    private FeatureFileReader() {}

    /**
     * @return whether the file name says Parquet ({@code .parquet}, any case)
     */
    public static boolean isParquet(Path file) {
        return file.getFileName()
                .toString()
                .toLowerCase(java.util.Locale.ROOT)
                .endsWith(".parquet");
    }

    /**
     * Reads every row of the file into the builder.
     *
     * @throws DatasetException if a needed column is missing
     * @throws IOException if the file cannot be read or is not Parquet
     */
    public static void read(Path file, DatasetBuilder builder) throws IOException {
        InputFile in = new LocalInputFile(file);
        MessageType schema;
        try (ParquetFileReader meta = ParquetFileReader.open(in)) {
            schema = meta.getFooter().getFileMetaData().getSchema();
        }
        String[] needed = new String[FeatureContract.SIZE + 3];
        needed[0] = FeatureParquetWriter.PRODUCT_COLUMN;
        needed[1] = FeatureParquetWriter.TIME_COLUMN;
        needed[2] = MID_COLUMN;
        for (int i = 0; i < FeatureContract.SIZE; i++) {
            needed[i + 3] = FeatureContract.NAMES.get(i);
        }
        for (String column : needed) {
            if (!schema.containsField(column)) {
                throw new DatasetException(
                        file
                                + " has no column "
                                + column
                                + (column.equals(MID_COLUMN)
                                        ? " (labels need each quote's mid price: write the file"
                                                + " with ./cvd features, or train from the"
                                                + " recordings)"
                                        : ""));
            }
        }
        int[] index = new int[needed.length];
        for (int i = 0; i < needed.length; i++) {
            index[i] = schema.getFieldIndex(needed[i]);
        }
        double[] values = new double[FeatureContract.SIZE];
        try (ParquetReader<Group> reader = new GroupReaderBuilder(in).build()) {
            Group g;
            long row = 0;
            while ((g = reader.read()) != null) {
                String product = g.getString(index[0], 0);
                long time = g.getLong(index[1], 0);
                double mid = g.getDouble(index[2], 0);
                if (!(mid > 0) || Double.isInfinite(mid)) {
                    throw new DatasetException(
                            file
                                    + ": row "
                                    + row
                                    + " has no mid price ("
                                    + mid
                                    + "); labels need each quote's mid price");
                }
                row++;
                for (int i = 0; i < FeatureContract.SIZE; i++) {
                    values[i] = g.getDouble(index[i + 3], 0);
                }
                builder.addRow(product, time, values, mid);
            }
        }
    }

    private static final class GroupReaderBuilder extends ParquetReader.Builder<Group> {
        GroupReaderBuilder(InputFile file) {
            super(file, new PlainParquetConfiguration());
        }

        @Override
        protected ReadSupport<Group> getReadSupport() {
            return new GroupReadSupport();
        }
    }
}

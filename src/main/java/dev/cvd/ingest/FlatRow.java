package dev.cvd.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import dev.cvd.market.Trade;
import java.util.List;

/**
 * A flat ticker or trade row written by some collector: a JSON object or a CSV record whose columns
 * are found through a {@link FieldMapping}.
 *
 * <p>A row with a bid or an ask column is a quote; otherwise a row with a price and a size column
 * is a trade (taker side from a {@code side} column, else unknown). The time is the first non-empty
 * time column, else the envelope's receive time; the product the first non-empty product column,
 * else the envelope's product (a wrapper's, or the mapping's default).
 */
abstract class FlatRow {

    /** Whether the row has this column, even with an empty value. */
    abstract boolean has(String column);

    /** The column's value as text; null if absent or empty. */
    abstract String text(String column);

    /** The column's value as a price or size; NaN if absent or empty. */
    abstract double number(String column);

    /** The column's value as a time; {@link EventTime#UNKNOWN} if absent or empty. */
    abstract long time(String column);

    /** Whether the row holds a quote or a trade under this mapping. */
    final boolean isMarketData(FieldMapping m) {
        return column(m, FieldMapping.Field.BID) != null
                || column(m, FieldMapping.Field.ASK) != null
                || (column(m, FieldMapping.Field.PRICE) != null
                        && column(m, FieldMapping.Field.SIZE) != null);
    }

    /** Appends the row's quote or trade. */
    final void decode(FieldMapping m, Envelope env, List<MarketEvent> out) {
        String bid = column(m, FieldMapping.Field.BID);
        String ask = column(m, FieldMapping.Field.ASK);
        String price = column(m, FieldMapping.Field.PRICE);
        String size = column(m, FieldMapping.Field.SIZE);
        boolean quote = bid != null || ask != null;
        if (!quote && (price == null || size == null)) {
            throw new DecodeException(Reasons.UNKNOWN_FORMAT, "neither bid/ask nor price/size");
        }
        String product = product(m, env);
        long time = requiredTime(m, env);
        if (quote) {
            out.add(
                    new Quote(
                            product,
                            time,
                            numberOrNaN(bid),
                            numberOrNaN(column(m, FieldMapping.Field.BID_QTY)),
                            numberOrNaN(ask),
                            numberOrNaN(column(m, FieldMapping.Field.ASK_QTY))));
        } else {
            String side = column(m, FieldMapping.Field.SIDE);
            out.add(
                    new Trade(
                            product,
                            time,
                            number(price),
                            number(size),
                            Sides.parse(side == null ? null : text(side))));
        }
    }

    private double numberOrNaN(String column) {
        return column == null ? Double.NaN : number(column);
    }

    /** The first of the field's source names that the row has, or null. */
    private String column(FieldMapping m, FieldMapping.Field field) {
        for (String name : m.columns(field)) {
            if (has(name)) {
                return name;
            }
        }
        return null;
    }

    private String product(FieldMapping m, Envelope env) {
        for (String name : m.columns(FieldMapping.Field.PRODUCT)) {
            String p = text(name);
            if (p != null) {
                return p;
            }
        }
        if (env.product() != null) {
            return env.product();
        }
        throw new DecodeException(Reasons.MISSING_PRODUCT, "row without a product");
    }

    private long requiredTime(FieldMapping m, Envelope env) {
        for (String name : m.columns(FieldMapping.Field.TIME)) {
            long t = time(name);
            if (t != EventTime.UNKNOWN) {
                return t;
            }
        }
        if (env.receiveTime() != EventTime.UNKNOWN) {
            return env.receiveTime();
        }
        throw new DecodeException(Reasons.MISSING_TIME, "row without a time");
    }

    /** A flat JSON object. */
    static final class Json extends FlatRow {
        private final JsonNode row;

        Json(JsonNode row) {
            this.row = row;
        }

        @Override
        boolean has(String column) {
            return row.has(column);
        }

        @Override
        String text(String column) {
            return Values.text(row.get(column));
        }

        @Override
        double number(String column) {
            return Values.number(row.get(column));
        }

        @Override
        long time(String column) {
            return Values.time(row.get(column));
        }
    }

    /** One record of a CSV recording, read through its header. */
    static final class Csv extends FlatRow {
        private final CsvHeader header;
        private final List<String> cells;

        Csv(CsvHeader header, List<String> cells) {
            this.header = header;
            this.cells = cells;
        }

        @Override
        boolean has(String column) {
            return header.indexOf(column) >= 0;
        }

        @Override
        String text(String column) {
            int i = header.indexOf(column);
            if (i < 0) {
                return null;
            }
            String s = cells.get(i).trim();
            return s.isEmpty() ? null : s;
        }

        @Override
        double number(String column) {
            int i = header.indexOf(column);
            return i < 0 ? Double.NaN : Values.decimal(cells.get(i));
        }

        @Override
        long time(String column) {
            int i = header.indexOf(column);
            return i < 0 ? EventTime.UNKNOWN : Values.time(cells.get(i));
        }
    }
}

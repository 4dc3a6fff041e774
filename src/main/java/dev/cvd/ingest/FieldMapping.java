package dev.cvd.ingest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which source column (CSV) or field (flat JSON row) holds each logical field of a flat ticker or
 * trade row, plus the product id to use for rows that carry none.
 *
 * <p>Without an override a logical field is looked up under the common names collectors use, in the
 * order given by {@link Field#aliases()}; an override replaces that list for its field. The column
 * overrides apply to flat rows only (Coinbase frames and the wrappers around them have fixed field
 * names); the default product applies to any message, framed or flat, that names no product.
 * Instances are immutable and safe to share between threads.
 */
public final class FieldMapping {

    /** The logical fields of a flat row. */
    public enum Field {
        /** Product id, for example {@code BTC-USD}. */
        PRODUCT("product", "product_id", "product", "pair", "symbol"),
        /**
         * Event time: ISO-8601 (zone optional, UTC if absent) or decimal epoch seconds (or ms, µs,
         * ns by magnitude), as a string or a number. Names of an exchange time come before names of
         * a receive time.
         */
        TIME(
                "time",
                "event_time",
                "time",
                "timestamp",
                "ts",
                "recv_ts",
                "recv_time",
                "receive_time",
                "received_at"),
        /** Best bid price. */
        BID("bid", "best_bid", "bid", "bid_price", "best_bid_price"),
        /** Size at the best bid. */
        BID_QTY(
                "bid_qty",
                "best_bid_qty",
                "best_bid_size",
                "best_bid_quantity",
                "bid_size",
                "bid_qty",
                "bid_quantity"),
        /** Best ask price. */
        ASK("ask", "best_ask", "ask", "ask_price", "best_ask_price"),
        /** Size at the best ask. */
        ASK_QTY(
                "ask_qty",
                "best_ask_qty",
                "best_ask_size",
                "best_ask_quantity",
                "ask_size",
                "ask_qty",
                "ask_quantity"),
        /** Trade price. */
        PRICE("price", "price", "last_price", "trade_price"),
        /**
         * Trade size in base units. {@code volume} means a trade's size in the reduced trade
         * recordings; the 24-hour volume fields ({@code volume_24h}) never match.
         */
        SIZE("size", "size", "last_size", "qty", "quantity", "volume"),
        /** Taker side of a trade, {@code buy} or {@code sell} in any case. */
        SIDE("side", "side");

        private final String logicalName;
        private final List<String> aliases;

        Field(String logicalName, String... aliases) {
            this.logicalName = logicalName;
            this.aliases = List.of(aliases);
        }

        /** The name used in a mapping spec, for example {@code bid_qty}. */
        public String logicalName() {
            return logicalName;
        }

        /** The source names tried, in order, when the field is not overridden. */
        public List<String> aliases() {
            return aliases;
        }

        static Field ofLogicalName(String name) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (Field f : values()) {
                if (f.logicalName.equals(n)) {
                    return f;
                }
            }
            throw new IllegalArgumentException(
                    "unknown field '"
                            + name
                            + "': expected one of product, time, bid, bid_qty, ask, ask_qty,"
                            + " price, size, side");
        }
    }

    /** Common names for every field and no default product. */
    public static final FieldMapping DEFAULT = new FieldMapping(new EnumMap<>(Field.class), null);

    private final Map<Field, List<String>> overrides;
    private final String defaultProduct;

    /** Source names per field, indexed by ordinal, resolved once for the decoders. */
    private final List<String>[] columns;

    @SuppressWarnings("unchecked")
    private FieldMapping(EnumMap<Field, List<String>> overrides, String defaultProduct) {
        this.overrides = Collections.unmodifiableMap(overrides);
        this.defaultProduct = defaultProduct;
        this.columns = new List[Field.values().length];
        for (Field f : Field.values()) {
            columns[f.ordinal()] = overrides.getOrDefault(f, f.aliases());
        }
    }

    /**
     * Builds a mapping from specs of the form {@code field=name}, for example {@code bid=px_b}, or
     * {@code field=name1|name2} to try several names in order.
     *
     * @param specs overrides, possibly empty; later specs for the same field win
     * @param defaultProduct product id for rows without one, or null or blank for none
     * @throws IllegalArgumentException if a spec is malformed or names an unknown field
     */
    public static FieldMapping parse(List<String> specs, String defaultProduct) {
        EnumMap<Field, List<String>> overrides = new EnumMap<>(Field.class);
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "field mapping '" + spec + "' is not of the form field=name");
            }
            Field field = Field.ofLogicalName(spec.substring(0, eq));
            List<String> names = splitNames(spec.substring(eq + 1));
            if (names.isEmpty()) {
                throw new IllegalArgumentException("field mapping '" + spec + "' names no column");
            }
            overrides.put(field, names);
        }
        String product =
                defaultProduct == null || defaultProduct.isBlank() ? null : defaultProduct.trim();
        return new FieldMapping(overrides, product);
    }

    /** This mapping with another default product (null or blank for none). */
    public FieldMapping withDefaultProduct(String product) {
        return new FieldMapping(
                overrides.isEmpty() ? new EnumMap<>(Field.class) : new EnumMap<>(overrides),
                product == null || product.isBlank() ? null : product.trim());
    }

    /** The source names tried for a field, in order: its override, or its aliases. */
    public List<String> columns(Field field) {
        return columns[field.ordinal()];
    }

    /** Whether the field's source names were given explicitly. */
    public boolean isOverridden(Field field) {
        return overrides.containsKey(field);
    }

    /** The product id for rows that carry none. */
    public Optional<String> defaultProduct() {
        return Optional.ofNullable(defaultProduct);
    }

    String defaultProductOrNull() {
        return defaultProduct;
    }

    private static List<String> splitNames(String text) {
        List<String> names = new ArrayList<>();
        int start = 0;
        while (start <= text.length()) {
            int bar = text.indexOf('|', start);
            int end = bar < 0 ? text.length() : bar;
            String name = text.substring(start, end).trim();
            if (!name.isEmpty()) {
                names.add(name);
            }
            start = end + 1;
        }
        return List.copyOf(names);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("FieldMapping{");
        overrides.forEach(
                (f, names) ->
                        sb.append(f.logicalName())
                                .append('=')
                                .append(String.join("|", names))
                                .append(' '));
        sb.append("defaultProduct=").append(defaultProduct).append('}');
        return sb.toString();
    }
}

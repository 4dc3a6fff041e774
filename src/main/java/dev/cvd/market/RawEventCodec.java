package dev.cvd.market;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON wire format of normalized market events on {@link Topics#RAW}, schema version 1.
 *
 * <pre>
 * {"v":1,"type":"quote","product_id":"BTC-USD","time_us":1764607486123456,"bid":91000.5,"bid_qty":0.12,"ask":91000.51,"ask_qty":0.3}
 * {"v":1,"type":"trade","product_id":"BTC-USD","time_us":1764607486123456,"price":91000.5,"size":0.001,"side":"buy"}
 * {"v":1,"type":"book","product_id":"BTC-USD","time_us":1764607486123456,"side":"bid","price":91000.5,"size":0.0}
 * {"v":1,"type":"gap","product_id":"BTC-USD","time_us":1764607486123456}
 * </pre>
 *
 * <p>{@code time_us} is UTC microseconds since the epoch; {@code null} when unknown. A missing
 * number (NaN) is {@code null}. Doubles are written in their shortest round-trip form, so a decode
 * gives back bit-identical values. Trade {@code side} is the taker's: {@code buy}, {@code sell} or
 * {@code unknown}; book {@code side} is {@code bid} or {@code ask}. Decoding ignores unknown fields
 * (forward compatible within version 1) and rejects anything else with a {@link
 * WireFormatException}.
 *
 * <p>Stateless and thread-safe.
 */
public final class RawEventCodec {

    /** The schema version this codec writes and reads. */
    public static final int VERSION = 1;

    private static final JsonFactory JSON = WireJson.FACTORY;

    private static final String QUOTE = "{\"v\":" + VERSION + ",\"type\":\"quote\",\"product_id\":";
    private static final String TRADE = "{\"v\":" + VERSION + ",\"type\":\"trade\",\"product_id\":";
    private static final String BOOK = "{\"v\":" + VERSION + ",\"type\":\"book\",\"product_id\":";
    private static final String GAP = "{\"v\":" + VERSION + ",\"type\":\"gap\",\"product_id\":";
    private static final char[] QUOTE_CHARS = QUOTE.toCharArray();
    private static final char[] TRADE_CHARS = TRADE.toCharArray();
    private static final char[] TIME_US = ",\"time_us\":".toCharArray();
    private static final char[] BID = ",\"bid\":".toCharArray();
    private static final char[] BID_QTY = ",\"bid_qty\":".toCharArray();
    private static final char[] ASK = ",\"ask\":".toCharArray();
    private static final char[] ASK_QTY = ",\"ask_qty\":".toCharArray();
    private static final char[] PRICE = ",\"price\":".toCharArray();
    private static final char[] SIZE = ",\"size\":".toCharArray();
    private static final char[] SIDE = ",\"side\":".toCharArray();
    private static final char[] CLOSE = "}".toCharArray();
    private static final byte[] QUOTE_BYTES = JsonBytes.utf8(QUOTE);
    private static final byte[] TRADE_BYTES = JsonBytes.utf8(TRADE);
    private static final byte[] BOOK_BYTES = JsonBytes.utf8(BOOK);
    private static final byte[] GAP_BYTES = JsonBytes.utf8(GAP);
    private static final byte[] VERSION_ONLY_BYTES = JsonBytes.utf8("{\"v\":" + VERSION);
    private static final byte[] TIME_US_BYTES = JsonBytes.utf8(String.valueOf(TIME_US));
    private static final byte[] BID_BYTES = JsonBytes.utf8(String.valueOf(BID));
    private static final byte[] BID_QTY_BYTES = JsonBytes.utf8(String.valueOf(BID_QTY));
    private static final byte[] ASK_BYTES = JsonBytes.utf8(String.valueOf(ASK));
    private static final byte[] ASK_QTY_BYTES = JsonBytes.utf8(String.valueOf(ASK_QTY));
    private static final byte[] PRICE_BYTES = JsonBytes.utf8(String.valueOf(PRICE));
    private static final byte[] SIZE_BYTES = JsonBytes.utf8(String.valueOf(SIZE));
    private static final byte[] SIDE_BYTES = JsonBytes.utf8(String.valueOf(SIDE));
    private static final byte[] CLOSE_BYTES = JsonBytes.utf8(String.valueOf(CLOSE));
    private static final byte[] NULL_BYTES = JsonBytes.utf8("null");

    private RawEventCodec() {}

    /** Each thread's buffer for {@link #encode}. */
    private static final ThreadLocal<JsonBytes> BUFFER =
            ThreadLocal.withInitial(() -> new JsonBytes(256));

    /**
     * Encodes one event as a single-line JSON object. Written by hand: the same text a Jackson
     * generator writes (a test holds the two equal), at a fraction of the cost.
     */
    public static String encode(MarketEvent event) {
        return write(BUFFER.get().clear(), event).toString();
    }

    /** Writes the UTF-8 bytes of {@link #encode}'s text for one event into a buffer. */
    public static JsonBytes write(JsonBytes out, MarketEvent event) {
        if (event instanceof Quote q) {
            head(out, QUOTE_BYTES, q);
            number(out, BID_BYTES, q.bid());
            number(out, BID_QTY_BYTES, q.bidQty());
            number(out, ASK_BYTES, q.ask());
            number(out, ASK_QTY_BYTES, q.askQty());
        } else if (event instanceof Trade t) {
            head(out, TRADE_BYTES, t);
            number(out, PRICE_BYTES, t.price());
            number(out, SIZE_BYTES, t.size());
            out.raw(SIDE_BYTES).string(sideName(t.side()));
        } else if (event instanceof BookUpdate b) {
            head(out, BOOK_BYTES, b);
            out.raw(SIDE_BYTES).string(b.side() == BookSide.BID ? "bid" : "ask");
            number(out, PRICE_BYTES, b.price());
            number(out, SIZE_BYTES, b.size());
        } else if (event instanceof SegmentBreak g) {
            head(out, GAP_BYTES, g);
        } else {
            out.raw(VERSION_ONLY_BYTES);
        }
        return out.raw(CLOSE_BYTES);
    }

    private static void head(JsonBytes out, byte[] head, MarketEvent e) {
        out.raw(head);
        if (e.productId() == null) {
            out.raw(NULL_BYTES);
        } else {
            out.string(e.productId());
        }
        out.raw(TIME_US_BYTES);
        if (e.timeMicros() == EventTime.UNKNOWN) {
            out.raw(NULL_BYTES);
        } else {
            out.number(e.timeMicros());
        }
    }

    private static void number(JsonBytes out, byte[] field, double v) {
        out.raw(field);
        if (Double.isFinite(v)) {
            out.number(v);
        } else {
            out.raw(NULL_BYTES);
        }
    }

    private static String sideName(Side s) {
        return switch (s) {
            case BUY -> "buy";
            case SELL -> "sell";
            case UNKNOWN -> "unknown";
        };
    }

    /**
     * Decodes one record value.
     *
     * @throws WireFormatException with reason {@code malformed_json}, {@code unsupported_version},
     *     {@code unknown_type}, {@code missing_product} or {@code bad_field}
     */
    public static MarketEvent decode(String text) {
        if (text == null) {
            throw new WireFormatException("malformed_json", "empty record");
        }
        MarketEvent event = decodeCanonical(text);
        return event != null ? event : decodeAnyLayout(text);
    }

    /**
     * Reads an event laid out exactly as {@link #encode} writes it, or returns null for anything
     * else, which {@link #decodeAnyLayout} then reads or rejects with its reason. Every event
     * accepted here is one that the general path reads the same.
     */
    private static MarketEvent decodeCanonical(String text) {
        WireText.Cursor c = new WireText.Cursor(text);
        MarketEvent event;
        if (c.skip(QUOTE_CHARS)) {
            String product = c.string();
            long time = c.expect(TIME_US).longOrNull(EventTime.UNKNOWN);
            double bid = c.expect(BID).doubleOrNull();
            double bidQty = c.expect(BID_QTY).doubleOrNull();
            double ask = c.expect(ASK).doubleOrNull();
            double askQty = c.expect(ASK_QTY).doubleOrNull();
            event = c.ok() ? new Quote(product, time, bid, bidQty, ask, askQty) : null;
        } else if (c.skip(TRADE_CHARS)) {
            String product = c.string();
            long time = c.expect(TIME_US).longOrNull(EventTime.UNKNOWN);
            double price = c.expect(PRICE).doubleOrNull();
            double size = c.expect(SIZE).doubleOrNull();
            Side side = tradeSideOrNull(c.expect(SIDE).string());
            event = c.ok() && side != null ? new Trade(product, time, price, size, side) : null;
        } else {
            return null; // book updates and gaps are rare: the general path reads them
        }
        c.expect(CLOSE);
        return c.done() && event != null && !event.productId().isEmpty() ? event : null;
    }

    /** Reads an event in any JSON layout, with the full checks. */
    static MarketEvent decodeAnyLayout(String text) {
        int version = -1;
        String type = null;
        String product = null;
        long time = EventTime.UNKNOWN;
        double bid = Double.NaN;
        double bidQty = Double.NaN;
        double ask = Double.NaN;
        double askQty = Double.NaN;
        double price = Double.NaN;
        double size = Double.NaN;
        String side = null;
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new WireFormatException("malformed_json", "not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "v" -> version = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -2;
                    case "type" -> type = string(p, v, field);
                    case "product_id" -> product = string(p, v, field);
                    case "time_us" -> time = time(p, v);
                    case "bid" -> bid = number(p, v, field);
                    case "bid_qty" -> bidQty = number(p, v, field);
                    case "ask" -> ask = number(p, v, field);
                    case "ask_qty" -> askQty = number(p, v, field);
                    case "price" -> price = number(p, v, field);
                    case "size" -> size = number(p, v, field);
                    case "side" -> side = string(p, v, field);
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new WireFormatException("malformed_json", "trailing content");
            }
        } catch (JsonProcessingException e) {
            throw new WireFormatException("malformed_json", e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a String does not fail
        }
        if (version != VERSION) {
            throw new WireFormatException(
                    "unsupported_version", "schema version " + (version < 0 ? "missing" : version));
        }
        if (product == null || product.isEmpty()) {
            throw new WireFormatException("missing_product", "no product_id");
        }
        if (type == null) {
            throw new WireFormatException("unknown_type", "no type");
        }
        return switch (type) {
            case "quote" -> new Quote(product, time, bid, bidQty, ask, askQty);
            case "trade" -> new Trade(product, time, price, size, tradeSide(side));
            case "book" -> new BookUpdate(product, time, bookSide(side), price, size);
            case "gap" -> new SegmentBreak(product, time);
            default -> throw new WireFormatException("unknown_type", "type " + type);
        };
    }

    private static String string(JsonParser p, JsonToken v, String field) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.VALUE_STRING) {
            throw new WireFormatException("bad_field", field + " is not a string");
        }
        return p.getText();
    }

    private static double number(JsonParser p, JsonToken v, String field) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return Double.NaN;
        }
        if (v != JsonToken.VALUE_NUMBER_FLOAT && v != JsonToken.VALUE_NUMBER_INT) {
            throw new WireFormatException("bad_field", field + " is not a number");
        }
        return p.getDoubleValue();
    }

    private static long time(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return EventTime.UNKNOWN;
        }
        if (v != JsonToken.VALUE_NUMBER_INT) {
            throw new WireFormatException("bad_field", "time_us is not an integer");
        }
        return p.getLongValue();
    }

    private static Side tradeSideOrNull(String s) {
        if (s == null) {
            return null;
        }
        return switch (s) {
            case "buy" -> Side.BUY;
            case "sell" -> Side.SELL;
            case "unknown" -> Side.UNKNOWN;
            default -> null;
        };
    }

    private static Side tradeSide(String s) {
        if (s == null) {
            return Side.UNKNOWN;
        }
        return switch (s) {
            case "buy" -> Side.BUY;
            case "sell" -> Side.SELL;
            case "unknown" -> Side.UNKNOWN;
            default -> throw new WireFormatException("bad_field", "trade side " + s);
        };
    }

    private static BookSide bookSide(String s) {
        if ("bid".equals(s)) {
            return BookSide.BID;
        }
        if ("ask".equals(s)) {
            return BookSide.ASK;
        }
        throw new WireFormatException("bad_field", "book side " + s);
    }
}

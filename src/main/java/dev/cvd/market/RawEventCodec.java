package dev.cvd.market;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
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

    private RawEventCodec() {}

    /** Encodes one event as a single-line JSON object. */
    public static String encode(MarketEvent event) {
        StringWriter out = new StringWriter(640);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            if (event instanceof Quote q) {
                g.writeStringField("type", "quote");
                head(g, q);
                number(g, "bid", q.bid());
                number(g, "bid_qty", q.bidQty());
                number(g, "ask", q.ask());
                number(g, "ask_qty", q.askQty());
            } else if (event instanceof Trade t) {
                g.writeStringField("type", "trade");
                head(g, t);
                number(g, "price", t.price());
                number(g, "size", t.size());
                g.writeStringField("side", sideName(t.side()));
            } else if (event instanceof BookUpdate b) {
                g.writeStringField("type", "book");
                head(g, b);
                g.writeStringField("side", b.side() == BookSide.BID ? "bid" : "ask");
                number(g, "price", b.price());
                number(g, "size", b.size());
            } else if (event instanceof SegmentBreak s) {
                g.writeStringField("type", "gap");
                head(g, s);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static void head(JsonGenerator g, MarketEvent e) throws IOException {
        g.writeStringField("product_id", e.productId());
        if (e.timeMicros() == EventTime.UNKNOWN) {
            g.writeNullField("time_us");
        } else {
            g.writeNumberField("time_us", e.timeMicros());
        }
    }

    private static void number(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(name, v);
        } else {
            g.writeNullField(name);
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

package dev.cvd.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hand-written ticks.raw codec against Jackson: the encoder writes exactly what a Jackson
 * generator writes, and the fast decoder reads exactly what the general decoder reads, over events
 * of awkward values and over layouts only the general decoder accepts.
 */
class RawEventCodecParityTest {

    private static final double[] AWKWARD = {
        0.0,
        -0.0,
        1.0,
        -1.0,
        Double.MIN_VALUE,
        Double.MAX_VALUE,
        1e-7,
        1e7,
        1e21,
        0.1,
        91_000.51,
        1.0 / 3.0,
        Double.NaN,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY
    };

    private static final String[] PRODUCTS = {"BTC-USD", "ETH-EUR", "q\"b\\", "c\u0001\b\n", "é€"};

    /** The encoder this codec had before it was written by hand: a Jackson generator. */
    private static String jacksonEncode(MarketEvent event) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = WireJson.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", RawEventCodec.VERSION);
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
                g.writeStringField("side", t.side().name().toLowerCase());
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

    private static double value(SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 -> AWKWARD[random.nextInt(AWKWARD.length)];
            case 1 -> Double.longBitsToDouble(random.nextLong());
            default -> random.nextInt(1, 10_000_000) / 100.0;
        };
    }

    private static MarketEvent event(SplittableRandom random, int n) {
        String product = PRODUCTS[n % PRODUCTS.length];
        long time =
                random.nextInt(10) == 0
                        ? EventTime.UNKNOWN
                        : random.nextLong(-1_000_000_000_000_000L, 300_000_000_000_000_000L);
        return switch (n % 4) {
            case 0 ->
                    new Quote(
                            product,
                            time,
                            value(random),
                            value(random),
                            value(random),
                            value(random));
            case 1 ->
                    new Trade(
                            product,
                            time,
                            value(random),
                            value(random),
                            Side.values()[random.nextInt(Side.values().length)]);
            case 2 ->
                    new BookUpdate(
                            product,
                            time,
                            random.nextBoolean() ? BookSide.BID : BookSide.ASK,
                            value(random),
                            value(random));
            default -> new SegmentBreak(product, time);
        };
    }

    /** An event with NaN where the wire carries null (what a decode gives back). */
    private static MarketEvent asDecoded(MarketEvent e) {
        if (e instanceof Quote q) {
            return new Quote(
                    q.productId(),
                    q.timeMicros(),
                    f(q.bid()),
                    f(q.bidQty()),
                    f(q.ask()),
                    f(q.askQty()));
        }
        if (e instanceof Trade t) {
            return new Trade(t.productId(), t.timeMicros(), f(t.price()), f(t.size()), t.side());
        }
        if (e instanceof BookUpdate b) {
            return new BookUpdate(
                    b.productId(), b.timeMicros(), b.side(), f(b.price()), f(b.size()));
        }
        return e;
    }

    private static double f(double v) {
        return Double.isFinite(v) ? v : Double.NaN;
    }

    @Test
    void encodesWhatJacksonWritesAndDecodesItBitForBit() throws IOException {
        SplittableRandom random = new SplittableRandom(20251205);
        for (int n = 0; n < 40_000; n++) {
            MarketEvent event = event(random, n);
            String text = RawEventCodec.encode(event);
            assertThat(text).isEqualTo(jacksonEncode(event));
            MarketEvent decoded = RawEventCodec.decode(text);
            assertThat(decoded).isEqualTo(RawEventCodec.decodeAnyLayout(text));
            assertThat(decoded).isEqualTo(asDecoded(event));
        }
    }

    @Test
    void otherLayoutsReadAsTheGeneralDecoderReadsThem() {
        String quote =
                RawEventCodec.encode(new Quote("BTC-USD", 1764607486123456L, -1.5, 0.25, 2.5, 3.0));
        String trade =
                RawEventCodec.encode(
                        new Trade("BTC-USD", 1764607486123456L, 91000.5, 0.001, Side.SELL));
        String[] variants = {
            quote.replace(",", ", "),
            quote.replace("\"bid\":-1.5", "\"bid\":-1"),
            quote.replace("\"bid\":-1.5", "\"bid\":-0"),
            quote.replace("\"bid\":-1.5", "\"bid\":-1.5E0"),
            quote.replace("\"time_us\":1764607486123456", "\"time_us\":null"),
            quote.replace("BTC-USD", "BTC\\u002dUSD"),
            quote.replace("{\"v\":1,\"type\":\"quote\",", "{\"type\":\"quote\",\"v\":1,"),
            quote.replace("}", ",\"extra\":[1,2]}"),
            quote + " ",
            trade.replace("\"side\":\"sell\"", "\"side\":null"),
            trade.replace("\"size\":0.001", "\"size\":1"),
        };
        for (String text : variants) {
            assertThat(RawEventCodec.decode(text))
                    .as(text)
                    .isEqualTo(RawEventCodec.decodeAnyLayout(text));
        }
    }

    @Test
    void brokenCanonicalEventsAreRejectedWithTheGeneralReasons() {
        String quote = RawEventCodec.encode(new Quote("BTC-USD", 1L, 1.5, 0.25, 2.5, 3.0));
        String trade = RawEventCodec.encode(new Trade("BTC-USD", 1L, 1.5, 0.5, Side.BUY));
        String[][] cases = {
            {quote.replace("\"bid\":1.5", "\"bid\":01.5"), "malformed_json"},
            {quote.replace("\"bid\":1.5", "\"bid\":\"1.5\""), "bad_field"},
            {quote.replace("\"time_us\":1", "\"time_us\":1.0"), "bad_field"},
            {quote.replace("\"BTC-USD\"", "\"\""), "missing_product"},
            {quote + "x", "malformed_json"},
            {quote.substring(0, quote.length() - 1), "malformed_json"},
            {trade.replace("\"buy\"", "\"up\""), "bad_field"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> RawEventCodec.decode(c[0]))
                    .as(c[0])
                    .isInstanceOfSatisfying(
                            WireFormatException.class, e -> assertThat(e.reason()).isEqualTo(c[1]));
        }
    }
}

package dev.cvd.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The ticks.raw wire format: golden lines, exact round trips, and every rejection reason. */
class RawEventCodecTest {

    @Test
    void encodesEachEventKindAsItsGoldenLine() {
        assertThat(
                        RawEventCodec.encode(
                                new Quote(
                                        "BTC-USD",
                                        1764607486123456L,
                                        91000.5,
                                        0.12,
                                        91000.51,
                                        Double.NaN)))
                .isEqualTo(
                        "{\"v\":1,\"type\":\"quote\",\"product_id\":\"BTC-USD\",\"time_us\":1764607486123456,"
                                + "\"bid\":91000.5,\"bid_qty\":0.12,\"ask\":91000.51,\"ask_qty\":null}");
        assertThat(RawEventCodec.encode(new Trade("ETH-USD", 1L, 3000.25, 0.001, Side.SELL)))
                .isEqualTo(
                        "{\"v\":1,\"type\":\"trade\",\"product_id\":\"ETH-USD\",\"time_us\":1,"
                                + "\"price\":3000.25,\"size\":0.001,\"side\":\"sell\"}");
        assertThat(
                        RawEventCodec.encode(
                                new BookUpdate(
                                        "BTC-USD", EventTime.UNKNOWN, BookSide.ASK, 91001.0, 0.0)))
                .isEqualTo(
                        "{\"v\":1,\"type\":\"book\",\"product_id\":\"BTC-USD\",\"time_us\":null,"
                                + "\"side\":\"ask\",\"price\":91001.0,\"size\":0.0}");
        assertThat(RawEventCodec.encode(new SegmentBreak("ETH-USD", 1764607486123456L)))
                .isEqualTo(
                        "{\"v\":1,\"type\":\"gap\",\"product_id\":\"ETH-USD\",\"time_us\":1764607486123456}");
    }

    @Test
    void aSegmentBreakRoundTripsAndNeedsAProduct() {
        for (MarketEvent e :
                List.of(
                        new SegmentBreak("BTC-USD", 1764607486123456L),
                        new SegmentBreak("BTC-USD", EventTime.UNKNOWN))) {
            assertThat(RawEventCodec.decode(RawEventCodec.encode(e))).isEqualTo(e);
        }
        assertThatThrownBy(() -> RawEventCodec.decode("{\"v\":1,\"type\":\"gap\",\"time_us\":1}"))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("product_id");
    }

    @Test
    void decodeGivesBackBitIdenticalEvents() {
        List<MarketEvent> events =
                List.of(
                        new Quote(
                                "BTC-USD",
                                1764607486123456L,
                                0.1 + 0.2,
                                1e-300,
                                Math.PI,
                                Double.NaN),
                        new Quote(
                                "BTC-USD",
                                EventTime.UNKNOWN,
                                Double.NaN,
                                -0.0,
                                4.9e-324,
                                Double.MAX_VALUE),
                        new Trade("BTC-USD", -5L, 86123.45, 0.00012345, Side.BUY),
                        new Trade("BTC-USD", 0L, 1.0, 2.0, Side.UNKNOWN),
                        new BookUpdate("ETH-USD", 7L, BookSide.BID, 2999.99, 12.5));
        for (MarketEvent e : events) {
            assertThat(RawEventCodec.decode(RawEventCodec.encode(e))).isEqualTo(e);
        }
    }

    @Test
    void ignoresUnknownFieldsWithinVersionOne() {
        assertThat(
                        RawEventCodec.decode(
                                "{\"v\":1,\"type\":\"trade\",\"product_id\":\"X\",\"time_us\":3,"
                                        + "\"price\":1,\"size\":2,\"side\":\"buy\",\"venue\":{\"a\":[1]}}"))
                .isEqualTo(new Trade("X", 3, 1, 2, Side.BUY));
    }

    @Test
    void rejectsWhatIsNotARawEventWithItsReason() {
        assertReason("", "malformed_json");
        assertReason("not json", "malformed_json");
        assertReason("[1,2]", "malformed_json");
        assertReason(
                "{\"v\":1,\"type\":\"quote\",\"product_id\":\"X\"} trailing", "malformed_json");
        assertReason("{\"type\":\"quote\",\"product_id\":\"X\"}", "unsupported_version");
        assertReason("{\"v\":2,\"type\":\"quote\",\"product_id\":\"X\"}", "unsupported_version");
        assertReason("{\"v\":1,\"type\":\"quote\"}", "missing_product");
        assertReason("{\"v\":1,\"type\":\"candle\",\"product_id\":\"X\"}", "unknown_type");
        assertReason(
                "{\"v\":1,\"type\":\"quote\",\"product_id\":\"X\",\"bid\":\"1\"}", "bad_field");
        assertReason(
                "{\"v\":1,\"type\":\"quote\",\"product_id\":\"X\",\"time_us\":1.5}", "bad_field");
        assertReason(
                "{\"v\":1,\"type\":\"trade\",\"product_id\":\"X\",\"side\":\"up\"}", "bad_field");
        assertReason("{\"v\":1,\"type\":\"book\",\"product_id\":\"X\",\"side\":null}", "bad_field");
    }

    private static void assertReason(String text, String reason) {
        assertThatThrownBy(() -> RawEventCodec.decode(text))
                .isInstanceOfSatisfying(
                        WireFormatException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}

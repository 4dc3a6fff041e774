package dev.cvd.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cvd.market.BookSide;
import dev.cvd.market.BookUpdate;
import dev.cvd.market.EventTime;
import dev.cvd.market.Quote;
import dev.cvd.market.Side;
import dev.cvd.market.Trade;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Wrapper shapes and time spellings, one line at a time. */
class WrappersAndTimesTest {

    private static final long T0 = micros("2025-11-08T15:12:31.463496Z");

    private static long micros(String isoUtc) {
        Instant i = Instant.parse(isoUtc);
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    private static Transcript decode(String... lines) {
        RecordingReader reader = new RecordingReader(FieldMapping.DEFAULT);
        Transcript t = new Transcript();
        for (String line : lines) {
            reader.decodeLine(line, t);
        }
        return t;
    }

    /** A real Advanced Trade ticker frame (advanced_trade_capture_20260809, sequence 10). */
    private static final String TICKER_FRAME =
            "{\"channel\":\"ticker\",\"timestamp\":\"2026-08-09T21:05:48.298032046Z\","
                    + "\"sequence_num\":10,\"events\":[{\"type\":\"update\",\"tickers\":[{"
                    + "\"type\":\"ticker\",\"product_id\":\"ETH-USD\",\"price\":\"1919.41\","
                    + "\"best_bid\":\"1919.44\",\"best_ask\":\"1919.49\","
                    + "\"best_bid_quantity\":\"0.02858092\",\"best_ask_quantity\":\"0.07814824\"}]}]}";

    private static final Quote TICKER_QUOTE =
            new Quote(
                    "ETH-USD",
                    micros("2026-08-09T21:05:48.298032Z"),
                    1919.44,
                    0.02858092,
                    1919.49,
                    0.07814824);

    @Test
    void verbatimFrame() {
        assertThat(decode(TICKER_FRAME).events).containsExactly(TICKER_QUOTE);
    }

    @Test
    void frameAsAStringUnderEveryPayloadField() {
        String quoted = TICKER_FRAME.replace("\"", "\\\"");
        for (String field : new String[] {"payload", "data", "raw", "msg"}) {
            String line = "{\"received_at\":1786309548.31,\"" + field + "\":\"" + quoted + "\"}";
            assertThat(decode(line).events).as(field).containsExactly(TICKER_QUOTE);
        }
    }

    @Test
    void frameAsAnObjectUnderAPayloadField() {
        String line = "{\"recv_ts\":\"2026-08-09T21:05:48.31Z\",\"payload\":" + TICKER_FRAME + "}";
        assertThat(decode(line).events).containsExactly(TICKER_QUOTE);
    }

    @Test
    void tickerEntryTakesTheWrapperReceiveTime() {
        String entry =
                "{\"type\":\"ticker\",\"product_id\":\"BTC-USD\",\"best_bid\":\"102020.47\","
                        + "\"best_ask\":\"102020.48\",\"best_bid_quantity\":\"0.02944129\","
                        + "\"best_ask_quantity\":\"0.16980542\"}";
        Quote expected = new Quote("BTC-USD", T0, 102020.47, 0.02944129, 102020.48, 0.16980542);

        assertThat(decode("{\"recv_ts\":\"1762614751.463496\",\"msg\":" + entry + "}").events)
                .containsExactly(expected);
        assertThat(decode("{\"receive_time\":1762614751463496,\"data\":" + entry + "}").events)
                .containsExactly(expected);
        // without any time the quote cannot be placed
        assertThat(decode(entry).lines).containsExactly("R missing_time");
    }

    @Test
    void productComesFromTheWrapperWhenTheMessageHasNone() {
        String match =
                "{\"type\":\"match\",\"side\":\"buy\",\"size\":\"0.5\",\"price\":\"1919.4\","
                        + "\"time\":\"2025-11-08T15:12:31.463496Z\"}";

        assertThat(
                        decode("{\"ts\":1762614752,\"symbol\":\"ETH-USD\",\"data\":" + match + "}")
                                .events)
                .containsExactly(new Trade("ETH-USD", T0, 1919.4, 0.5, Side.SELL));
        assertThat(decode(match).lines).containsExactly("R missing_product");
    }

    @Test
    void flattenedTickerCarriesItsOwnReceiveTime() {
        String line =
                "{\"type\":\"ticker\",\"symbol\":\"BTC-USD\",\"best_bid\":\"1\",\"best_ask\":\"2\","
                        + "\"ts\":1762614751.463496}";

        assertThat(decode(line).events)
                .containsExactly(new Quote("BTC-USD", T0, 1, Double.NaN, 2, Double.NaN));
    }

    @Test
    void nestedWrappers() {
        String inner = TICKER_FRAME.replace("\"", "\\\"");
        String line =
                "{\"ts\":1786309548.3,\"data\":{\"source\":\"ws\",\"payload\":\"" + inner + "\"}}";

        assertThat(decode(line).events).containsExactly(TICKER_QUOTE);
    }

    @Test
    void captureRecordsOtherThanRecvAreIgnored() {
        assertThat(
                        decode(
                                        "{\"t\":\"send\",\"ts\":1.0,\"data\":\"{\\\"type\\\":\\\"subscribe\\\"}\"}",
                                        "{\"t\":\"header\",\"format\":2}",
                                        "{\"t\":\"connect\",\"ts\":1.0,\"addr\":\"wss://x\"}",
                                        "{\"t\":\"http\",\"ts\":1.0,\"data\":\"{\\\"products\\\":[]}\"}")
                                .lines)
                .containsExactly("I sent", "I header", "I connect", "I http");
    }

    @Test
    void tradeWithoutItsOwnTimeTakesTheFrameTimestamp() {
        String frame =
                "{\"channel\":\"market_trades\",\"timestamp\":\"2025-11-08T15:12:31.463496999Z\","
                        + "\"events\":[{\"type\":\"update\",\"trades\":[{\"product_id\":\"BTC-USD\","
                        + "\"price\":\"1\",\"size\":\"2\",\"side\":\"BUY\"}]}]}";

        assertThat(decode(frame).events).containsExactly(new Trade("BTC-USD", T0, 1, 2, Side.SELL));
    }

    @Test
    void frameWithoutEntriesIsIgnoredAsEmpty() {
        String frame =
                "{\"channel\":\"l2_data\",\"timestamp\":\"2025-11-08T15:12:31Z\",\"events\":"
                        + "[{\"type\":\"update\",\"product_id\":\"BTC-USD\",\"updates\":[]}]}";

        assertThat(decode(frame).lines).containsExactly("I empty");
    }

    @Test
    void exchangeCaptureLines() {
        assertThat(
                        decode(
                                        "wss://ws-feed.pro.coinbase.com <-> 1618677816.8434298",
                                        "wss://ws-feed.pro.coinbase.com <- 1618677817.020616:"
                                                + " {\"type\":\"subscribe\",\"channels\":[\"ticker\"]}",
                                        "1618677817.1: {\"type\":\"snapshot\",\"product_id\":\"X-Y\","
                                                + "\"bids\":[[\"1\",\"2\"]],\"asks\":[]}")
                                .lines)
                .containsExactly(
                        "I connect",
                        "I sent",
                        "B X-Y 2021-04-17T16:43:37.100000Z BID price=1 size=2");
    }

    @Test
    void exchangeSnapshotAcceptsRestLevelsWithAnOrderCount() {
        Transcript t =
                decode(
                        "{\"type\":\"snapshot\",\"product_id\":\"BTC-USD\","
                                + "\"bids\":[[\"36908.21\",\"0.38\",3]],\"asks\":[]}");

        assertThat(t.events)
                .containsExactly(
                        new BookUpdate("BTC-USD", EventTime.UNKNOWN, BookSide.BID, 36908.21, 0.38));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "\"2025-11-08T15:12:31.463496Z\"      | 2025-11-08T15:12:31.463496Z",
                "\"2025-11-08T15:12:31.463496+00:00\" | 2025-11-08T15:12:31.463496Z",
                "\"2025-11-08T20:42:31.463496+05:30\" | 2025-11-08T15:12:31.463496Z",
                "\"2025-11-08T15:12:31.463496\"       | 2025-11-08T15:12:31.463496Z",
                "\"2025-11-08 15:12:31.463496\"       | 2025-11-08T15:12:31.463496Z",
                "\"2025-11-08T15:12:31.463496999Z\"   | 2025-11-08T15:12:31.463496Z",
                "\"2025-11-08T15:12:31Z\"             | 2025-11-08T15:12:31Z",
                "1762614751.463496                    | 2025-11-08T15:12:31.463496Z",
                "\"1762614751.463496\"                | 2025-11-08T15:12:31.463496Z",
                "1762614751                           | 2025-11-08T15:12:31Z",
                "\"1762614751.4634965\"               | 2025-11-08T15:12:31.463497Z",
                "1762614751463                        | 2025-11-08T15:12:31.463Z",
                "1762614751463496                     | 2025-11-08T15:12:31.463496Z",
                "1762614751463496999                  | 2025-11-08T15:12:31.463497Z",
            })
    void timeSpellings(String json, String expectedUtc) {
        String row =
                "{\"time\":"
                        + json
                        + ",\"product_id\":\"BTC-USD\",\"best_bid\":\"1\",\"best_ask\":\"2\"}";

        Transcript t = decode(row);

        assertThat(t.events).hasSize(1);
        assertThat(t.events.get(0).timeMicros()).isEqualTo(micros(expectedUtc));
    }

    @Test
    void exchangeTimeWinsOverTheWrapperReceiveTime() {
        String line =
                "{\"ts\":1999999999.0,\"raw\":\"{\\\"type\\\":\\\"ticker\\\",\\\"product_id\\\":"
                        + "\\\"BTC-USD\\\",\\\"best_bid\\\":\\\"1\\\",\\\"best_ask\\\":\\\"2\\\","
                        + "\\\"time\\\":\\\"2025-11-08T15:12:31.463496Z\\\"}\"}";

        assertThat(decode(line).events.get(0).timeMicros()).isEqualTo(T0);
    }
}

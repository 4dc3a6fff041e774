package dev.cvd.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvd.market.BookSide;
import dev.cvd.market.BookUpdate;
import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import dev.cvd.market.Side;
import dev.cvd.market.Trade;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Spot values of every format, checked by hand against the raw lines of the fixtures (quoted in the
 * comments), independently of the golden transcripts.
 */
class RecordingFormatsTest {

    private static long micros(String isoUtc) {
        Instant i = Instant.parse(isoUtc);
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    private static <T extends MarketEvent> List<T> only(Class<T> type, Transcript t) {
        return t.events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void corpusWrapperIsAQuoteAtTheReceiveTimeWithSizesFromRaw() {
        // {"timestamp": "2025-11-08T15:12:31.463496", ..., "best_bid": "102020.47",
        //  "best_ask": "102020.48", "raw": {... "best_bid_quantity": "0.02944129",
        //  "best_ask_quantity": "0.16980542"}}
        Transcript t =
                Fixtures.read(
                        "corpus_ticks_BTCUSD_20251108_151231.ndjson.gz", FieldMapping.DEFAULT);

        assertThat(t.events).hasSize(25).allMatch(e -> e instanceof Quote);
        assertThat(t.events.get(0))
                .isEqualTo(
                        new Quote(
                                "BTC-USD",
                                micros("2025-11-08T15:12:31.463496Z"),
                                102020.47,
                                0.02944129,
                                102020.48,
                                0.16980542));
        // second line: bid 102014.2 x 0.000011, ask 102014.21 x 0.20284276
        assertThat(t.events.get(1))
                .isEqualTo(
                        new Quote(
                                "BTC-USD",
                                micros("2025-11-08T15:12:31.493748Z"),
                                102014.2,
                                0.000011,
                                102014.21,
                                0.20284276));
    }

    @Test
    void advancedTradeTickerSnapshotIsAQuoteAtTheFrameTimestamp() {
        // "timestamp":"2026-08-09T21:05:48.229198328Z", tickers [{"product_id":"BTC-USD",
        // "best_bid":"65083.66","best_ask":"65083.67","best_bid_quantity":"0.20371215",
        // "best_ask_quantity":"0.24290402"}] (type snapshot)
        Transcript t =
                Fixtures.read("advanced_trade_capture_20260809.jsonl.gz", FieldMapping.DEFAULT);

        assertThat(only(Quote.class, t).get(0))
                .isEqualTo(
                        new Quote(
                                "BTC-USD",
                                micros("2026-08-09T21:05:48.229198Z"),
                                65083.66,
                                0.20371215,
                                65083.67,
                                0.24290402));
    }

    @Test
    void marketTradesAreEmittedOldestFirstWithTheTakerSide() {
        Transcript t =
                Fixtures.read("advanced_trade_capture_20260809.jsonl.gz", FieldMapping.DEFAULT);
        List<Trade> trades = only(Trade.class, t);

        // "trades":[{"trade_id":"1068572096","price":"65083.66","size":"0.00100346",
        //   "time":"2026-08-09T21:05:51.426861Z","side":"BUY"},
        //  {"trade_id":"1068572095","price":"65083.67","size":"0.00322434",
        //   "time":"2026-08-09T21:05:51.376358Z","side":"SELL"}]
        int i = indexOfTime(trades, micros("2026-08-09T21:05:51.376358Z"));
        assertThat(trades.get(i))
                .isEqualTo(
                        new Trade(
                                "BTC-USD",
                                micros("2026-08-09T21:05:51.376358Z"),
                                65083.67,
                                0.00322434,
                                Side.BUY));
        assertThat(trades.get(i + 1))
                .isEqualTo(
                        new Trade(
                                "BTC-USD",
                                micros("2026-08-09T21:05:51.426861Z"),
                                65083.66,
                                0.00100346,
                                Side.SELL));

        // Four ETH-USD trades at one time, listed newest first (trade ids 833140787..84 at
        // 1919.38, 1919.42, 1919.43, 1919.47, maker BUY): a taker sold down the bids, so
        // execution order is 1919.47 first.
        int j = indexOfTime(trades, micros("2026-08-09T21:05:54.257824Z"));
        assertThat(trades.subList(j, j + 4))
                .extracting(Trade::price)
                .containsExactly(1919.47, 1919.43, 1919.42, 1919.38);
        assertThat(trades.subList(j, j + 4)).extracting(Trade::side).containsOnly(Side.SELL);
    }

    private static int indexOfTime(List<? extends MarketEvent> events, long micros) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).timeMicros() == micros) {
                return i;
            }
        }
        throw new AssertionError("no event at " + EventTime.format(micros));
    }

    @Test
    void marketTradesSideIsTheMakerSide() {
        // The first BTC-USD update trade, "price":"65083.67","side":"SELL" at 21:05:48.167634Z,
        // printed at the best ask of the preceding ticker (65083.67): a buyer took the offer.
        Transcript t =
                Fixtures.read("advanced_trade_capture_20260809.jsonl.gz", FieldMapping.DEFAULT);
        Trade trade =
                only(Trade.class, t).stream()
                        .filter(x -> x.timeMicros() == micros("2026-08-09T21:05:48.167634Z"))
                        .findFirst()
                        .orElseThrow();
        Quote before = only(Quote.class, t).get(0);

        assertThat(trade.price()).isEqualTo(before.ask());
        assertThat(trade.side()).isEqualTo(Side.BUY);
        assertThat(trade.size()).isEqualTo(0.01034361);
    }

    @Test
    void level2OfferIsTheAskSideAtTheFrameTimestamp() {
        // "timestamp":"2026-08-09T21:05:48.506659391Z", "product_id":"BTC-USD", "updates":[
        //  {"side":"offer","price_level":"65106.54","new_quantity":"0.15361938"},
        //  {"side":"offer","price_level":"65155.5","new_quantity":"0.00000011"}]
        Transcript t =
                Fixtures.read("advanced_trade_capture_20260809.jsonl.gz", FieldMapping.DEFAULT);
        List<BookUpdate> book = only(BookUpdate.class, t);
        long time = micros("2026-08-09T21:05:48.506659Z");

        assertThat(book.stream().filter(b -> b.timeMicros() == time))
                .containsExactly(
                        new BookUpdate("BTC-USD", time, BookSide.ASK, 65106.54, 0.15361938),
                        new BookUpdate("BTC-USD", time, BookSide.ASK, 65155.5, 0.00000011));
        // "new_quantity":"0" removes a level
        assertThat(book).anyMatch(b -> b.size() == 0.0);
    }

    @Test
    void exchangeMatchSideIsTheMakerSide() {
        // {"type":"last_match","trade_id":881613,"side":"sell","size":"0.04","price":"14.7775",
        //  "product_id":"BAND-GBP","time":"2021-04-17T16:43:30.244075Z"}; its ticker says
        //  "side":"buy" (taker) for the same trade.
        // {"type":"match","trade_id":280232,"side":"sell","size":"985","price":"0.00001305",
        //  "product_id":"SKL-BTC","time":"2021-04-17T16:43:37.089723Z"}
        Transcript t = Fixtures.read("exchange_feed_capture_20210417.txt.gz", FieldMapping.DEFAULT);

        assertThat(only(Trade.class, t))
                .contains(
                        new Trade(
                                "BAND-GBP",
                                micros("2021-04-17T16:43:30.244075Z"),
                                14.7775,
                                0.04,
                                Side.BUY),
                        new Trade(
                                "SKL-BTC",
                                micros("2021-04-17T16:43:37.089723Z"),
                                0.00001305,
                                985,
                                Side.BUY));
    }

    @Test
    void exchangeMatchTakerSideAgreesWithTheTickerOfTheSameTrade() throws IOException {
        // The Exchange ticker's side is the taker's; a match's is the maker's. Decoded matches
        // must carry the ticker's side for every trade id the fixture has both for.
        ObjectMapper json = new ObjectMapper();
        Map<Long, String> tickerSide = new HashMap<>();
        Map<Long, String> matchLine = new HashMap<>();
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(
                                new GZIPInputStream(
                                        Files.newInputStream(
                                                Fixtures.path(
                                                        "exchange_feed_capture_20210417.txt.gz"))),
                                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                int colon = line.indexOf(": {");
                if (line.startsWith("wss") || colon < 0) {
                    continue;
                }
                JsonNode msg = json.readTree(line.substring(colon + 2));
                String type = msg.path("type").asText();
                if (type.equals("ticker")) {
                    tickerSide.put(msg.get("trade_id").asLong(), msg.get("side").asText());
                } else if (type.equals("match") || type.equals("last_match")) {
                    matchLine.put(msg.get("trade_id").asLong(), line);
                }
            }
        }
        int compared = 0;
        for (Map.Entry<Long, String> m : matchLine.entrySet()) {
            String taker = tickerSide.get(m.getKey());
            if (taker == null) {
                continue;
            }
            Transcript t = new Transcript();
            new RecordingReader(FieldMapping.DEFAULT).decodeLine(m.getValue(), t);
            assertThat(((Trade) t.events.get(0)).side())
                    .as("trade %d", m.getKey())
                    .isEqualTo(Sides.parse(taker));
            compared++;
        }
        assertThat(compared).isGreaterThanOrEqualTo(10);
    }

    @Test
    void exchangeSnapshotIsAtTheReceiveTimeAndL2updateAtItsTime() {
        // 1618677817.077736: {"type":"snapshot","product_id":"BAND-GBP",
        //   "asks":[["14.8024","12.77"],...],"bids":[["14.7693","27.51"],...]}
        // 1618677817.118783: {"type":"l2update","product_id":"SKL-BTC",
        //   "changes":[["sell","0.00001306","660.5"]],"time":"2021-04-17T16:43:37.075687Z"}
        Transcript t = Fixtures.read("exchange_feed_capture_20210417.txt.gz", FieldMapping.DEFAULT);
        List<BookUpdate> book = only(BookUpdate.class, t);
        long received = 1618677817L * 1_000_000L + 77_736L;

        assertThat(book)
                .contains(
                        new BookUpdate("BAND-GBP", received, BookSide.BID, 14.7693, 27.51),
                        new BookUpdate("BAND-GBP", received, BookSide.ASK, 14.8024, 12.77),
                        new BookUpdate(
                                "SKL-BTC",
                                micros("2021-04-17T16:43:37.075687Z"),
                                BookSide.ASK,
                                0.00001306,
                                660.5));
    }

    @Test
    void exchangeTickerOf2021HasNoSizes() {
        // {"type":"ticker","product_id":"BAND-GBP","best_bid":"14.7550","best_ask":"14.8060",
        //  "time":"2021-04-17T16:43:30.244075Z"} (no best_bid_size in 2021)
        Transcript t = Fixtures.read("exchange_feed_capture_20210417.txt.gz", FieldMapping.DEFAULT);

        assertThat(only(Quote.class, t).get(0))
                .isEqualTo(
                        new Quote(
                                "BAND-GBP",
                                micros("2021-04-17T16:43:30.244075Z"),
                                14.755,
                                Double.NaN,
                                14.806,
                                Double.NaN));
    }

    @Test
    void bareLevel2SnapshotHasNoTime() {
        // {"type":"snapshot","product_id":"BTC-USD","asks":[["36908.22","0.00529780"],...]}
        Transcript t = Fixtures.read("exchange_level2_snapshot_btcusd.json", FieldMapping.DEFAULT);

        assertThat(only(BookUpdate.class, t))
                .hasSize(10)
                .allMatch(b -> b.timeMicros() == EventTime.UNKNOWN)
                .contains(
                        new BookUpdate(
                                "BTC-USD", EventTime.UNKNOWN, BookSide.ASK, 36908.22, 0.0052978));
    }

    @Test
    void wrappedExchangeTickerStringUsesTheExchangeTime() {
        // {"ts":1762932011.629353,"pair":"BTC-USD","raw":"{\"type\":\"ticker\",...,
        //  \"best_bid\":\"103472.27\",\"best_bid_size\":\"0.04145138\",\"best_ask\":\"103472.28\",
        //  \"best_ask_size\":\"0.02560996\",...,\"time\":\"2025-11-12T07:20:11.615272Z\",...}"}
        Transcript t = Fixtures.read("exchange_ticker_wrapped_202511.ndjson", FieldMapping.DEFAULT);

        assertThat(t.lines.get(0)).isEqualTo("I subscriptions");
        assertThat(t.events.get(0))
                .isEqualTo(
                        new Quote(
                                "BTC-USD",
                                micros("2025-11-12T07:20:11.615272Z"),
                                103472.27,
                                0.04145138,
                                103472.28,
                                0.02560996));
    }

    @Test
    void reducedCsvRowsAreTradesOfTheDefaultProduct() {
        // timestamp,price,volume
        // 2025-11-17T23:33:18.135099Z,91749.99,0.00915181
        // 2025-11-17T23:33:19.257535Z,91749.99,1.587e-05
        Transcript t =
                Fixtures.read(
                        "exchange_ticker_reduced_20251117.csv.gz",
                        FieldMapping.parse(List.of(), "BTC-USD"));

        assertThat(t.lines.get(0)).isEqualTo("I csv_header");
        assertThat(t.events.subList(0, 2))
                .containsExactly(
                        new Trade(
                                "BTC-USD",
                                micros("2025-11-17T23:33:18.135099Z"),
                                91749.99,
                                0.00915181,
                                Side.UNKNOWN),
                        new Trade(
                                "BTC-USD",
                                micros("2025-11-17T23:33:19.257535Z"),
                                91749.99,
                                1.587e-05,
                                Side.UNKNOWN));
    }

    @Test
    void reducedCsvWithoutADefaultProductIsRejected() {
        Transcript t =
                Fixtures.read("exchange_ticker_reduced_20251117.csv.gz", FieldMapping.DEFAULT);

        assertThat(t.events).isEmpty();
        assertThat(t.lines).first().isEqualTo("I csv_header");
        assertThat(t.lines.subList(1, t.lines.size()))
                .hasSize(24)
                .containsOnly("R missing_product");
        assertThat(t.rejectedLines.get(0))
                .isEqualTo("2025-11-17T23:33:18.135099Z,91749.99,0.00915181");
    }

    @Test
    void flatReferenceRowHasJsonNumbersAndAnOffsetTime() {
        // {"ts": "2026-04-03T22:13:41.421126+00:00", "product_id": "BTC-USD", "price": 66863.0,
        //  "best_bid": 66865.48, "best_ask": 66865.49, "volume_24h": 0.0}
        Transcript t = Fixtures.read("reference_sample_raw.ndjson", FieldMapping.DEFAULT);

        assertThat(t.events.get(0))
                .isEqualTo(
                        new Quote(
                                "BTC-USD",
                                micros("2026-04-03T22:13:41.421126Z"),
                                66865.48,
                                Double.NaN,
                                66865.49,
                                Double.NaN));
    }
}

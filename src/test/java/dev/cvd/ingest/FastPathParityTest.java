package dev.cvd.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvd.market.BookUpdate;
import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import dev.cvd.market.SegmentBreak;
import dev.cvd.market.Trade;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The streaming fast path ({@link FlatJsonDecoder}) decodes every line exactly as the tree decoder
 * does: the same events (every field, doubles bit for bit), the same ignore and reject reasons.
 * Checked on every recording at hand (the corpus, the bundled replay, the test recordings) and on
 * lines made to hit each rule and each reason to decline.
 */
class FastPathParityTest {

    private static final List<Path> DIRS =
            List.of(
                    Path.of("../shared/data/corpus"),
                    Path.of("replay"),
                    Path.of("src/test/resources/recordings"));

    @Test
    void everyRecordingDecodesAlikeOnBothPaths() throws IOException {
        int files = 0;
        for (Path dir : DIRS) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> recordings;
            try (Stream<Path> s = Files.list(dir)) {
                recordings =
                        s.filter(p -> !p.toString().endsWith(".md"))
                                .filter(p -> !p.toString().endsWith(".golden"))
                                .sorted()
                                .toList();
            }
            for (Path file : recordings) {
                for (FieldMapping mapping :
                        List.of(
                                FieldMapping.DEFAULT,
                                FieldMapping.DEFAULT.withDefaultProduct("X"))) {
                    List<String> fast = new ArrayList<>();
                    List<String> tree = new ArrayList<>();
                    new RecordingReader(mapping, true).read(file, new Outcomes(fast));
                    new RecordingReader(mapping, false).read(file, new Outcomes(tree));
                    assertEquals(tree.size(), fast.size(), file.toString());
                    for (int i = 0; i < tree.size(); i++) {
                        assertEquals(tree.get(i), fast.get(i), file + " outcome " + i);
                    }
                }
                files++;
            }
        }
        assertTrue(files >= 10, "recordings found: " + files);
    }

    /** The fast path really takes the bundled recording's lines, rather than declining them. */
    @Test
    void fastPathTakesTheBundledLines() throws IOException {
        Path replay = Path.of("replay/ticks_BTCUSD_20251201_164446_10min.ndjson.gz");
        List<String> lines = new ArrayList<>();
        new RecordingReader(FieldMapping.DEFAULT, false)
                .read(
                        replay,
                        new Outcomes(new ArrayList<>()) {
                            @Override
                            public void onEvent(MarketEvent event) {}
                        });
        try (BufferedReader in =
                new BufferedReader(
                        new java.io.InputStreamReader(
                                new java.util.zip.GZIPInputStream(Files.newInputStream(replay)),
                                java.nio.charset.StandardCharsets.UTF_8))) {
            in.lines().forEach(lines::add);
        }
        FlatJsonDecoder decoder = new FlatJsonDecoder(FieldMapping.DEFAULT);
        Envelope root = Envelope.root(FieldMapping.DEFAULT);
        int taken = 0;
        List<MarketEvent> out = new ArrayList<>();
        for (String line : lines) {
            if (decoder.decode(line, root, out)) {
                taken++;
            }
        }
        assertEquals(lines.size(), taken);
        assertEquals(lines.size(), out.size());
    }

    /** Lines that hit each rule of the fast path, each reason to decline, and the tree's quirks. */
    @Test
    void craftedLinesDecodeAlikeOnBothPaths() throws IOException {
        String untimed =
                "\"type\": \"ticker\", \"product_id\": \"BTC-USD\", \"best_bid\": \"1.5\","
                        + " \"best_ask\": \"1.75\"";
        String quote = untimed + ", \"time\": \"2025-12-05T20:33:01.669201Z\"";
        List<String> lines =
                List.of(
                        "{" + untimed + "}",
                        "{" + untimed + ", \"time\": \"2025-12-05T20:33:01.669201Z\"}",
                        "{" + untimed + ", \"time\": 1764966781.669201}",
                        "{" + untimed + ", \"time\": 1764966781}",
                        "{" + untimed + ", \"time\": \"\"}",
                        "{" + untimed + ", \"time\": null, \"ts\": \"1764966781.5\"}",
                        "{" + untimed + ", \"time\": \"bad\"}",
                        "{" + untimed + ", \"time\": {}}",
                        "{" + quote + ", \"best_bid_size\": null, \"best_bid_quantity\": \"2\"}",
                        "{" + quote + ", \"best_bid_size\": \"3\", \"best_bid_quantity\": \"2\"}",
                        "{" + quote + ", \"best_ask_size\": 3, \"best_ask_quantity\": \"2\"}",
                        "{" + quote + ", \"best_ask_size\": \"\", \"best_ask_quantity\": \"2\"}",
                        "{" + quote + ", \"best_ask_quantity\": [\"2\"]}",
                        "{"
                                + quote
                                + ", \"extra\": [1, 2.5, NaN, {\"a\": 1, \"a\": 2}], \"x\": 1e3}",
                        "{" + quote + ", \"x\": 1e999999999999}",
                        "{" + quote + ", \"x\": 123456789012345678901234567890}",
                        "{" + quote + ", \"best_bid\": \"2\"}",
                        "{" + quote + "} trailing",
                        "{" + quote + "} ",
                        "\uFEFF{" + quote + "}",
                        "{" + quote + ", \"x\": \"a\u0001b\"}",
                        "{" + quote + ", \"x\": \"a\\u00e9\\n\"}",
                        "{\"type\": \"ticker\", \"product_id\": \"\", \"pair\": \"P\","
                                + " \"best_bid\": \"1\", \"time\": \"2025-12-05T20:33:01Z\"}",
                        "{\"type\": \"ticker\", \"best_bid\": \"1\", \"best_ask\": \"2\","
                                + " \"time\": \"2025-12-05T20:33:01Z\"}",
                        "{\"type\": \"ticker\", \"symbol\": \"ETH-USD\", \"best_bid\": \"1e2\","
                                + " \"best_ask\": \"+2.\", \"time\": \"2025-12-05T20:33:01Z\"}",
                        "{\"type\": \"ticker\", \"product_id\": 5, \"best_bid\": \"1\","
                                + " \"time\": \"2025-12-05T20:33:01Z\"}",
                        "{\"type\": \"match\", \"product_id\": \"BTC-USD\", \"price\": \"10\","
                                + " \"size\": \"0.5\", \"side\": \"sell\","
                                + " \"time\": \"2021-04-17T16:43:37.123456Z\"}",
                        "{\"type\": \"last_match\", \"product_id\": \"BTC-USD\", \"price\": \"10\","
                                + " \"size\": \"0.5\", \"side\": \"BUY\"}",
                        "{\"type\": \"heartbeat\", \"product_id\": \"BTC-USD\"}",
                        "{\"type\": \"error\", \"message\": \"no\"}",
                        "{\"type\": \"\", \"ts\": \"2025-11-08T15:12:31Z\", \"bid\": \"1\"}",
                        "{\"type\": \"foo\", \"ts\": \"2025-11-08T15:12:31Z\", \"bid\": \"1\"}",
                        "{\"channel\": \"ticker\", \"ts\": \"2025-11-08T15:12:31Z\", \"bid\": \"1\"}",
                        "{\"t\": \"send\", \"data\": {" + quote + "}}",
                        "{\"t\": \"recv\", \"ts\": 1764966781.25, \"data\": {" + quote + "}}",
                        "{\"t\": \"recv\", \"ts\": \"1764966781.25\", \"data\": {" + untimed + "}}",
                        "{\"timestamp\": \"2025-12-05T20:33:01.669201\", \"raw\": {"
                                + untimed
                                + "}}",
                        "{\"timestamp\": \"2025-12-05T20:33:01.669201\", \"product\": \"P\","
                                + " \"raw\": {\"type\": \"ticker\", \"best_bid\": \"1\"}}",
                        "{\"timestamp\": \"2025-12-05T20:33:01\", \"payload\": 5, \"data\": null,"
                                + " \"raw\": {"
                                + quote
                                + "}}",
                        "{\"timestamp\": \"2025-12-05T20:33:01\", \"payload\": \" x\","
                                + " \"raw\": {"
                                + quote
                                + "}}",
                        "{\"timestamp\": \"2025-12-05T20:33:01\", \"payload\": \"  \","
                                + " \"raw\": {"
                                + quote
                                + "}}",
                        "{\"timestamp\": \"2025-12-05T20:33:01\", \"payload\": \" {"
                                + "\\\"type"
                                + "\\\": \\\"ticker\\\"}\", \"raw\": {"
                                + quote
                                + "}}",
                        "{\"timestamp\": \"2025-12-05T20:33:01\", \"data\": [{" + quote + "}]}",
                        "{\"timestamp\": \"2025-12-05T20:33:01\", \"raw\": {\"msg\": {\"data\":"
                                + " {\"payload\": {\"raw\": {"
                                + quote
                                + "}}}}}}",
                        "{\"timestamp\": \"2025-12-05T20:33:01\", \"raw\": {\"msg\": {\"data\":"
                                + " {\"payload\": {"
                                + quote
                                + "}}}}}",
                        "{\"timestamp\": \"2025-12-05T20:33:01\", \"raw\": {\"type\": \"ticker\","
                                + " \"product_id\": \"B\", \"best_bid\": \"1\", \"type\": \"x\"}}",
                        "{\"ts\": \"2025-11-08T15:12:31Z\", \"product_id\": \"BTC-USD\","
                                + " \"bid\": \"1\", \"ask\": \"2\", \"bid_size\": \"3\"}",
                        "{\"ts\": \"2025-11-08T15:12:31Z\", \"pair\": \"BTC-USD\", \"price\": \"1\","
                                + " \"size\": \"2\", \"side\": \"Sell\"}",
                        "{\"ts\": \"2025-11-08T15:12:31Z\", \"pair\": \"BTC-USD\", \"price\": \"1\"}",
                        "{\"ts\": 1762932011609, \"product_id\": \"BTC-USD\", \"bid\": \"1\"}",
                        "{\"time\": \"\", \"ts\": \"1762932011.609013\", \"product_id\": \"B\","
                                + " \"best_bid\": \"1\", \"best_ask\": null}",
                        "{\"ts\": \"2025-11-08T15:12:31Z\", \"product_id\": \"B\", \"bid\": \"1e\"}",
                        "{\"ts\": \"2025-11-08T15:12:31Z\", \"product_id\": \"B\", \"bid\": \" 7 \"}",
                        "{\"ts\": \"2025-11-08T15:12:31Z\", \"product_id\": \"B\", \"bid\": true}",
                        "{\"product_id\": \"B\", \"bid\": \"1\"}",
                        "{\"ts\": \"2025-11-08T15:12:31Z\", \"bid\": \"1\"}",
                        "1764966781.5: {" + untimed + "}",
                        "1764966781.5: {\"raw\": {\"type\": \"ticker\", \"best_bid\": \"1\"}}",
                        "{\"ts\": \"2025-11-08T15:12:31Z\", \"product_id\": \"B\", \"bid\": \"1\"",
                        "{}",
                        "[]",
                        "{\"a\": {\"b\": {\"c\": {\"d\": {\"e\": {\"f\": {\"g\": {\"h\": {\"i\":"
                                + " {}}}}}}}}}, \"ts\": \"2025-11-08T15:12:31Z\","
                                + " \"product_id\": \"B\", \"bid\": \"1\"}");
        // Both ways of the fast path are exercised: lines it takes and lines it declines.
        FlatJsonDecoder decoder = new FlatJsonDecoder(FieldMapping.DEFAULT);
        Envelope root = Envelope.root(FieldMapping.DEFAULT);
        long taken = lines.stream().filter(l -> decoder.decode(l, root, new ArrayList<>())).count();
        assertTrue(taken >= 20 && taken <= lines.size() - 20, "taken: " + taken);
        for (FieldMapping mapping :
                List.of(
                        FieldMapping.DEFAULT,
                        FieldMapping.parse(List.of("bid=x|best_bid", "time=extra"), "DEF"))) {
            List<String> fast = new ArrayList<>();
            List<String> tree = new ArrayList<>();
            String text = String.join("\n", lines);
            new RecordingReader(mapping, true)
                    .read(new BufferedReader(new StringReader(text)), new Outcomes(fast));
            new RecordingReader(mapping, false)
                    .read(new BufferedReader(new StringReader(text)), new Outcomes(tree));
            assertEquals(tree, fast);
        }
    }

    /** Each outcome as text; events with their doubles' bits, so that equal means identical. */
    private static class Outcomes implements RecordingListener {
        private final List<String> out;

        Outcomes(List<String> out) {
            this.out = out;
        }

        @Override
        public void onEvent(MarketEvent event) {
            out.add(describe(event));
        }

        @Override
        public void onIgnored(String reason) {
            out.add("ignored " + reason);
        }

        @Override
        public void onRejected(String reason, String line) {
            out.add("rejected " + reason + " " + line);
        }
    }

    static String describe(MarketEvent e) {
        String time = e.timeMicros() == EventTime.UNKNOWN ? "unknown" : "" + e.timeMicros();
        String head = e.getClass().getSimpleName() + " " + e.productId() + " " + time;
        if (e instanceof Quote q) {
            return head + bits(q.bid(), q.bidQty(), q.ask(), q.askQty());
        }
        if (e instanceof Trade t) {
            return head + bits(t.price(), t.size()) + " " + t.side();
        }
        if (e instanceof BookUpdate u) {
            return head + " " + u.side() + bits(u.price(), u.size());
        }
        if (e instanceof SegmentBreak) {
            return head;
        }
        throw new AssertionError("unknown event " + e);
    }

    private static String bits(double... values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(' ')
                    .append(v)
                    .append('/')
                    .append(Long.toHexString(Double.doubleToRawLongBits(v)));
        }
        return sb.toString();
    }
}

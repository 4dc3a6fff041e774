package dev.cvd.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvd.market.BookUpdate;
import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import dev.cvd.market.SegmentBreak;
import dev.cvd.market.Trade;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The fast path ({@link FlatJsonDecoder}) decodes every line exactly as the tree decoder does,
 * whether it scans the line's bytes where they lie in {@link Utf8Lines}' buffer or the line as a
 * String: the same events (every field, doubles bit for bit), the same ignore and reject reasons,
 * the same rejected text, each outcome from the same line. Checked on every recording at hand (the
 * corpus, the bundled replay, the test recordings), on lines made to hit each rule and each reason
 * to decline, and on real lines mutated at random and streamed with every kind of line end and
 * buffer size.
 *
 * <p>Each comparison reads the same bytes three ways: as Strings from a {@link BufferedReader}
 * through the tree decoder alone (the reference), as Strings through the fast path, and through
 * {@link Utf8Lines} as {@link RecordingReader#read(Path, RecordingListener)} does, where the fast
 * path reads bytes and only the lines it declines become Strings.
 */
class FastPathParityTest {

    private static final List<Path> DIRS =
            List.of(
                    Path.of("../shared/data/corpus"),
                    Path.of("replay"),
                    Path.of("src/test/resources/recordings"));

    private static final Path BUNDLED =
            Path.of("replay/ticks_BTCUSD_20251201_164446_10min.ndjson.gz");

    private static final List<FieldMapping> MAPPINGS =
            List.of(FieldMapping.DEFAULT, FieldMapping.DEFAULT.withDefaultProduct("X"));

    /** A mapping with columns of its own, one of them not ASCII. */
    private static final FieldMapping CUSTOM =
            FieldMapping.parse(List.of("bid=x|best_bid|prix€", "time=extra"), "DEF");

    private static final Envelope ROOT = Envelope.root(FieldMapping.DEFAULT);

    @Test
    void everyRecordingDecodesAlikeOnEveryPath() throws IOException {
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
                byte[] text = text(file);
                for (FieldMapping mapping : MAPPINGS) {
                    List<String> tree = viaStrings(text, mapping, false);
                    assertAlike(tree, viaStrings(text, mapping, true), file + ", Strings");
                    assertAlike(tree, viaBytes(text, mapping, 1 << 16), file + ", bytes");
                    // Most lines straddle a refill of so small a buffer.
                    assertAlike(tree, viaBytes(text, mapping, 1000), file + ", small buffer");
                    List<String> fromFile = new ArrayList<>();
                    new RecordingReader(mapping).read(file, new Outcomes(fromFile, null));
                    assertEquals(untagged(tree), fromFile, file + ", read(Path)");
                }
                files++;
            }
        }
        assertTrue(files >= 10, "recordings found: " + files);
    }

    /**
     * The fast path really takes the recorded lines, from bytes and from Strings alike, rather than
     * declining them: all of the bundled recording's, and all but a few of the corpus's.
     */
    @Test
    void fastPathTakesTheRecordedLines() throws IOException {
        Taken bundled = taken(text(BUNDLED), FieldMapping.DEFAULT);
        assertTrue(bundled.lines > 3_000, "lines: " + bundled.lines);
        assertEquals(bundled.lines, bundled.taken);

        Path corpus = Path.of("../shared/data/corpus");
        if (Files.isDirectory(corpus)) {
            long lines = 0;
            long taken = 0;
            try (Stream<Path> s = Files.list(corpus)) {
                for (Path file : s.filter(p -> p.toString().endsWith(".gz")).toList()) {
                    Taken t = taken(text(file), FieldMapping.DEFAULT);
                    lines += t.lines;
                    taken += t.taken;
                }
            }
            assertTrue(lines > 70_000, "lines: " + lines);
            assertTrue(taken >= lines * 0.999, taken + " of " + lines + " lines taken");
        }
    }

    /** Lines that hit each rule of the fast path, each reason to decline, and the tree's quirks. */
    @Test
    void craftedLinesDecodeAlikeOnEveryPath() throws IOException {
        List<String> lines = new ArrayList<>(craftedLines());
        lines.addAll(craftedBeyondAscii());
        // Both ways of the fast path are exercised: lines it takes and lines it declines.
        byte[] text = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        Taken t = taken(text, FieldMapping.DEFAULT);
        assertEquals(lines.size(), t.lines);
        assertTrue(t.taken >= 20 && t.taken <= t.lines - 30, "taken: " + t.taken);
        for (FieldMapping mapping : List.of(FieldMapping.DEFAULT, CUSTOM)) {
            List<String> tree = viaStrings(text, mapping, false);
            assertAlike(tree, viaStrings(text, mapping, true), "Strings");
            assertAlike(tree, viaBytes(text, mapping, 1 << 16), "bytes");
            assertAlike(tree, viaBytes(text, mapping, 37), "small buffer");
        }
    }

    /**
     * A String handed to {@link RecordingReader#decodeLine} may hold chars that no UTF-8 line
     * gives: a lone surrogate, or chars beyond Latin-1 whose low byte is a quote or a brace. The
     * fast path must not read them as ASCII (a line whose chars were cut to bytes would read as a
     * different line here) and leaves them to the tree.
     */
    @Test
    void stringsBeyondLatin1DecodeAlikeOnBothPaths() {
        String q = "\u0122"; // low byte 0x22, a quote
        String tail = ", \"best_bid\": \"1\", \"time\": \"2025-12-05T20:33:01Z\"}";
        List<String> lines =
                List.of(
                        "{\"type\": \"ticker\", \"product_id\": \"BTC"
                                + q
                                + ", "
                                + q
                                + "x"
                                + q
                                + ": "
                                + q
                                + "y\""
                                + tail,
                        "{\"type\": \"ticker\", \"product_id\": \"B\uD800\"" + tail,
                        "{\"type\": \"ticker\", \"product_id\": \"B\uDC00\"" + tail,
                        "{\"type\": \"ticker\", \"product_id\": \"B\uD83D\uDE00\"" + tail,
                        "{\"type\": \"ticker\", \"product_id\": \"B\u00e9\"" + tail,
                        "{\"type\": \"ticker\", \"product_id\": \"B\"" + tail + "\u017d",
                        "{\"type\": \"ticker\", \"product_id\": \"B\"" + tail);
        FlatJsonDecoder decoder = new FlatJsonDecoder(FieldMapping.DEFAULT);
        for (int i = 0; i < lines.size() - 1; i++) {
            assertFalse(decoder.decode(lines.get(i), ROOT, new ArrayList<>()), lines.get(i));
        }
        assertTrue(decoder.decode(lines.get(lines.size() - 1), ROOT, new ArrayList<>()));
        List<String> fast = new ArrayList<>();
        List<String> tree = new ArrayList<>();
        RecordingReader fastReader = new RecordingReader(FieldMapping.DEFAULT, true);
        RecordingReader treeReader = new RecordingReader(FieldMapping.DEFAULT, false);
        for (String line : lines) {
            fastReader.decodeLine(line, new Outcomes(fast, null));
            treeReader.decodeLine(line, new Outcomes(tree, null));
        }
        assertEquals(tree, fast);
        assertTrue(tree.get(0).startsWith("Quote BTC" + q + ", " + q + "x"), tree.get(0));
    }

    /**
     * Lines longer than the buffer, and longer than the fast path takes, read through buffers that
     * must grow.
     */
    @Test
    void longLinesDecodeAlikeOnEveryPath() throws IOException {
        String head = "{\"type\": \"ticker\", \"product_id\": \"BTC-USD\", \"pad\": \"";
        String tail =
                "\", \"best_bid\": \"1.5\", \"best_ask\": \"1.75\","
                        + " \"time\": \"2025-12-05T20:33:01.669201Z\"}";
        List<String> lines = new ArrayList<>();
        for (int length : new int[] {65_000, 65_536, 65_537, 70_000, 300_000}) {
            lines.add(head + "x".repeat(length - head.length() - tail.length()) + tail);
        }
        byte[] text = String.join("\r\n", lines).getBytes(StandardCharsets.UTF_8);
        FlatJsonDecoder decoder = new FlatJsonDecoder(FieldMapping.DEFAULT);
        assertTrue(decoder.decode(lines.get(0), ROOT, new ArrayList<>()));
        assertTrue(decoder.decode(lines.get(1), ROOT, new ArrayList<>()));
        assertFalse(decoder.decode(lines.get(2), ROOT, new ArrayList<>()));
        assertEquals(2, taken(text, FieldMapping.DEFAULT).taken);
        List<String> tree = viaStrings(text, FieldMapping.DEFAULT, false);
        assertEquals(lines.size(), tree.size());
        for (int buffer : new int[] {16, 1000, 1 << 16}) {
            assertAlike(tree, viaBytes(text, FieldMapping.DEFAULT, buffer), "buffer " + buffer);
        }
        assertAlike(tree, viaStrings(text, FieldMapping.DEFAULT, true), "Strings");
    }

    /**
     * Real lines with random damage (bytes deleted, inserted, repeated or cut off: quotes,
     * backslashes, braces, control characters, line ends, bytes beyond ASCII and malformed UTF-8),
     * among blank lines, with {@code \n}, {@code \r\n} or {@code \r} line ends, a byte-order mark
     * on some first lines and no end on some last lines, through buffers of random size.
     */
    @Test
    void mutatedLinesDecodeAlikeOnEveryPath() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        byte[] bundled = text(BUNDLED);
        Utf8Lines in = new Utf8Lines(new ByteArrayInputStream(bundled), 1 << 16);
        while (in.advance() && in.lines() <= 200) {
            seeds.add(in.line().getBytes(StandardCharsets.UTF_8));
        }
        for (String line : craftedLines()) {
            seeds.add(line.getBytes(StandardCharsets.UTF_8));
        }
        for (String fixture :
                List.of(
                        "synthetic_bad_lines.txt",
                        "exchange_ticker_wrapped_202511.ndjson",
                        "reference_sample_raw.ndjson")) {
            for (String line : StreamingTest.lines(fixture)) {
                seeds.add(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[][] pieces = {
            {'"'},
            {'\\'},
            {'{'},
            {'}'},
            {'['},
            {','},
            {':'},
            {' '},
            {'\t'},
            {'0'},
            {'9'},
            {'.'},
            {'-'},
            {'e'},
            {'x'},
            {0},
            {0x1f},
            {0x7f},
            {'\n'},
            {'\r'},
            {'\r', '\n'},
            {(byte) 0xC3, (byte) 0xA9}, // é
            {(byte) 0xE2, (byte) 0x82, (byte) 0xAC}, // €
            {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}, // an emoji
            {(byte) 0xFF}, // never in UTF-8
            {(byte) 0x80}, // a continuation byte alone
            {(byte) 0xC3}, // a lead byte without its continuation
            {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, // a byte-order mark
            "\\u0041".getBytes(StandardCharsets.US_ASCII),
            "\\\"".getBytes(StandardCharsets.US_ASCII),
            "null".getBytes(StandardCharsets.US_ASCII),
            "\"\": ".getBytes(StandardCharsets.US_ASCII),
        };
        byte[][] ends = {{'\n'}, {'\n'}, {'\r', '\n'}, {'\r'}};
        SplittableRandom random = new SplittableRandom(2025_12_05);
        long lines = 0;
        long taken = 0;
        for (int round = 0; round < 400; round++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (random.nextInt(4) == 0) {
                out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
            }
            int count = 1 + random.nextInt(30);
            for (int i = 0; i < count; i++) {
                int kind = random.nextInt(20);
                if (kind == 0) {
                    out.writeBytes(
                            " \t "
                                    .substring(random.nextInt(3))
                                    .getBytes(StandardCharsets.US_ASCII));
                } else if (kind > 1) {
                    byte[] line = seeds.get(random.nextInt(seeds.size()));
                    out.writeBytes(kind < 8 ? line : mutate(line, pieces, random));
                }
                if (i < count - 1 || random.nextBoolean()) {
                    out.writeBytes(ends[random.nextInt(ends.length)]);
                }
            }
            byte[] text = out.toByteArray();
            Taken t = taken(text, FieldMapping.DEFAULT);
            lines += t.lines;
            taken += t.taken;
            for (FieldMapping mapping : List.of(FieldMapping.DEFAULT, CUSTOM)) {
                List<String> tree = viaStrings(text, mapping, false);
                String what = "round " + round;
                assertAlike(tree, viaStrings(text, mapping, true), what + ", Strings");
                int buffer = 16 + random.nextInt(random.nextBoolean() ? 64 : 4096);
                assertAlike(tree, viaBytes(text, mapping, buffer), what + ", buffer " + buffer);
            }
        }
        // The fuzz reaches both ways of the fast path, taking a line and declining one.
        assertTrue(taken > lines / 8 && taken < lines * 7 / 8, taken + " of " + lines + " taken");
    }

    /** A line with one to four random changes. */
    private static byte[] mutate(byte[] line, byte[][] pieces, SplittableRandom random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = line;
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            int at = random.nextInt(b.length + 1);
            out.reset();
            switch (random.nextInt(5)) {
                case 0 -> { // delete a byte
                    out.write(b, 0, at);
                    out.write(b, Math.min(at + 1, b.length), b.length - Math.min(at + 1, b.length));
                }
                case 1 -> { // cut off
                    out.write(b, 0, at);
                }
                case 2 -> { // repeat a stretch
                    int to = at + random.nextInt(b.length - at + 1);
                    out.write(b, 0, to);
                    out.write(b, at, b.length - at);
                }
                default -> { // insert a piece
                    out.write(b, 0, at);
                    out.writeBytes(pieces[random.nextInt(pieces.length)]);
                    out.write(b, at, b.length - at);
                }
            }
            b = out.toByteArray();
        }
        return b;
    }

    /** How many lines of a text the fast path takes. */
    private record Taken(long lines, long taken) {}

    /**
     * Offers every line of a text to the fast path both as bytes in the line reader's buffer and as
     * a String, and checks that both take it or both decline it, and decode it alike.
     */
    private static Taken taken(byte[] text, FieldMapping mapping) throws IOException {
        FlatJsonDecoder decoder = new FlatJsonDecoder(mapping);
        Envelope root = Envelope.root(mapping);
        Utf8Lines in = new Utf8Lines(new ByteArrayInputStream(text), 1 << 16);
        long taken = 0;
        while (in.advance()) {
            List<MarketEvent> fromBytes = new ArrayList<>();
            List<MarketEvent> fromString = new ArrayList<>();
            String line = in.line();
            boolean bytes =
                    decoder.decode(in.buffer(), in.lineStart(), in.lineEnd(), root, fromBytes);
            assertEquals(decoder.decode(line, root, fromString), bytes, line);
            if (bytes) {
                assertEquals(1, fromBytes.size(), line);
                assertEquals(describe(fromString.get(0)), describe(fromBytes.get(0)), line);
                taken++;
            } else {
                assertTrue(fromBytes.isEmpty() && fromString.isEmpty(), line);
            }
        }
        return new Taken(in.lines(), taken);
    }

    /** Outcomes of a text read as Strings, each tagged with its line's number. */
    private static List<String> viaStrings(byte[] text, FieldMapping mapping, boolean fastPath)
            throws IOException {
        BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(
                                new ByteArrayInputStream(text), StandardCharsets.UTF_8));
        long[] lines = {0};
        List<String> out = new ArrayList<>();
        new RecordingReader(mapping, fastPath)
                .read(
                        () -> {
                            String line = in.readLine();
                            if (line != null) {
                                lines[0]++;
                            }
                            return line;
                        },
                        new Outcomes(out, () -> lines[0]));
        return out;
    }

    /** Outcomes of a text read through {@link Utf8Lines}, each tagged with its line's number. */
    private static List<String> viaBytes(byte[] text, FieldMapping mapping, int buffer)
            throws IOException {
        Utf8Lines in = new Utf8Lines(new ByteArrayInputStream(text), buffer);
        List<String> out = new ArrayList<>();
        new RecordingReader(mapping, true).read(in, new Outcomes(out, in::lines));
        return out;
    }

    private static void assertAlike(List<String> expected, List<String> actual, String what) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertEquals(expected.get(i), actual.get(i), what + ", outcome " + i);
        }
        assertEquals(expected.size(), actual.size(), what + ", outcomes");
    }

    private static List<String> untagged(List<String> outcomes) {
        return outcomes.stream().map(o -> o.substring(o.indexOf(": ") + 2)).toList();
    }

    /** A recording's text: its bytes, decompressed if gzip. */
    private static byte[] text(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 2 || bytes[0] != 0x1f || bytes[1] != (byte) 0x8b) {
            return bytes;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }

    /** Lines beyond ASCII, escapes, control characters and blanks, where the fast path declines. */
    private static List<String> craftedBeyondAscii() {
        String quote =
                "\"type\": \"ticker\", \"best_bid\": \"1.5\", \"best_ask\": \"1.75\","
                        + " \"time\": \"2025-12-05T20:33:01.669201Z\"";
        return List.of(
                "{" + quote + ", \"product_id\": \"BTC-\u00e9\"}",
                "{" + quote + ", \"product_id\": \"BTC-\u20ac\"}",
                "{" + quote + ", \"product_id\": \"BTC-\uD83D\uDE00\"}",
                "{" + quote + ", \"product_id\": \"B\", \"x\": \"\u00e9\"}",
                "{" + quote + ", \"product_id\": \"B\", \"x\": \"\u20ac \uD83D\uDE00\"}",
                "{" + quote + ", \"product_id\": \"B\", \"\u00e9\": \"1\"}",
                "{" + quote + ", \"product_id\": \"B\", \"prix\u20ac\": \"3\"}",
                "{\"ts\": \"2025-11-08T15:12:31Z\", \"product_id\": \"B\", \"prix\u20ac\": \"3\"}",
                "{" + quote + ", \"product_id\": \"BTC\\u002dUSD\"}",
                "{" + quote + ", \"product_id\": \"B\\\"C\"}",
                "{" + quote + ", \"product_id\": \"B\\\\C\"}",
                "{" + quote + ", \"product_id\": \"B\", \"best\\u005fbid\": \"2\"}",
                "{" + quote + ", \"product_id\": \"B\u0001\"}",
                "{" + quote + ", \"product_id\": \"B\tC\"}",
                "{" + quote + ", \"product_id\": \"B\u007fC\"}",
                "{" + quote + ", \"product_id\": \"B\"}\u0000",
                "\t {" + quote + ", \"product_id\": \"B\"}\t ",
                "\u000c{" + quote + ", \"product_id\": \"B\"}",
                "\uFEFF{" + quote + ", \"product_id\": \"B\"}",
                "",
                " \t ",
                "\u00e9{" + quote + ", \"product_id\": \"B\"}",
                "1764966781.5: {" + quote + ", \"product_id\": \"B\u00e9\"}",
                "1764966781.5: {" + quote + ", \"product_id\": \"B\"}");
    }

    /** Lines that hit each rule of the fast path, each reason to decline, and the tree's quirks. */
    private static List<String> craftedLines() {
        String untimed =
                "\"type\": \"ticker\", \"product_id\": \"BTC-USD\", \"best_bid\": \"1.5\","
                        + " \"best_ask\": \"1.75\"";
        String quote = untimed + ", \"time\": \"2025-12-05T20:33:01.669201Z\"";
        return List.of(
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
                "{" + quote + ", \"extra\": [1, 2.5, NaN, {\"a\": 1, \"a\": 2}], \"x\": 1e3}",
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
                "{\"timestamp\": \"2025-12-05T20:33:01.669201\", \"raw\": {" + untimed + "}}",
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
    }

    /** Each outcome as text; events with their doubles' bits, so that equal means identical. */
    private static class Outcomes implements RecordingListener {
        private final List<String> out;
        private final LongSupplier line;

        /**
         * @param line the number of the line being decoded, to tag each outcome with; null for none
         */
        Outcomes(List<String> out, LongSupplier line) {
            this.out = out;
            this.line = line;
        }

        @Override
        public void onEvent(MarketEvent event) {
            add(describe(event));
        }

        @Override
        public void onIgnored(String reason) {
            add("ignored " + reason);
        }

        @Override
        public void onRejected(String reason, String text) {
            add("rejected " + reason + " " + text);
        }

        private void add(String outcome) {
            out.add(line == null ? outcome : "line " + line.getAsLong() + ": " + outcome);
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

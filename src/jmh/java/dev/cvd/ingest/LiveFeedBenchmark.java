package dev.cvd.ingest;

import dev.cvd.market.BookSide;
import dev.cvd.market.BookUpdate;
import dev.cvd.market.MarketEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of the live feed's hot path on one core: decoding real Advanced Trade frames ({@link
 * AdvancedTradeFrame}, frames/s) and applying level-2 updates to an {@link OrderBook} (updates/s).
 * The frames are the update frames of the bundled capture (ticker, market_trades, l2_data and
 * heartbeats; the two multi-megabyte snapshots left out, they come once per connection); the book
 * updates are a BTC-like random walk around a book of about 5,000 levels a side, as a snapshot
 * leaves it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LiveFeedBenchmark {

    static final int UPDATES = 100_000;
    static final String CAPTURE =
            "src/test/resources/coinbase/advanced_trade_capture_20260809.jsonl.gz";

    String[] frames;
    BookSide[] side;
    double[] price;
    double[] size;
    OrderBook book;

    @Setup(Level.Trial)
    public void load() throws IOException {
        List<String> list = new ArrayList<>();
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(
                                new GZIPInputStream(Files.newInputStream(Path.of(CAPTURE))),
                                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                var record = RecordingReader.JSON.readTree(line);
                if ("recv".equals(record.path("t").asText())) {
                    String data = record.get("data").asText();
                    if (data.length() < 100_000) {
                        list.add(data);
                    }
                }
            }
        }
        frames = list.toArray(String[]::new);
        SplittableRandom random = new SplittableRandom(7);
        side = new BookSide[UPDATES];
        price = new double[UPDATES];
        size = new double[UPDATES];
        double mid = 65_000;
        for (int i = 0; i < UPDATES; i++) {
            mid += (random.nextDouble() - 0.5) * 2;
            boolean bid = random.nextBoolean();
            side[i] = bid ? BookSide.BID : BookSide.ASK;
            double offset = Math.floor(random.nextDouble() * 5_000) * 0.01 + 0.01;
            price[i] = Math.round((bid ? mid - offset : mid + offset) * 100) / 100.0;
            size[i] = random.nextInt(4) == 0 ? 0.0 : random.nextDouble();
        }
        book = new OrderBook("BTC-USD");
        for (int i = 1; i <= 5_000; i++) {
            book.apply(BookSide.BID, Math.round((mid - i * 0.01) * 100) / 100.0, 1.0);
            book.apply(BookSide.ASK, Math.round((mid + i * 0.01) * 100) / 100.0, 1.0);
        }
    }

    /** Frames decoded per second: JSON parse, codec, events. Reported per frame. */
    @Benchmark
    @OperationsPerInvocation(1_000)
    public void decodeFrames(Blackhole bh) {
        String[] f = frames;
        for (int i = 0; i < 1_000; i++) {
            AdvancedTradeFrame decoded = AdvancedTradeFrame.decode(f[i % f.length], 0L);
            bh.consume(decoded.events().size());
        }
    }

    /** Level-2 updates applied per second, with the best bid and ask read after each. */
    @Benchmark
    @OperationsPerInvocation(UPDATES)
    public void applyBookUpdates(Blackhole bh) {
        OrderBook b = book;
        for (int i = 0; i < UPDATES; i++) {
            b.apply(side[i], price[i], size[i]);
            bh.consume(b.isCrossed());
        }
    }

    /** Frames through decode and book together, as the live source processes them. */
    @Benchmark
    @OperationsPerInvocation(1_000)
    public void decodeAndApply(Blackhole bh) {
        String[] f = frames;
        OrderBook b = book;
        for (int i = 0; i < 1_000; i++) {
            for (MarketEvent e : AdvancedTradeFrame.decode(f[i % f.length], 0L).events()) {
                if (e instanceof BookUpdate u && "BTC-USD".equals(u.productId())) {
                    try {
                        b.apply(u);
                    } catch (IllegalArgumentException ignored) {
                        // not in this benchmark's data
                    }
                }
                bh.consume(e);
            }
        }
    }
}

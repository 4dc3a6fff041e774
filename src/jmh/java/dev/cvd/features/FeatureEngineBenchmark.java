package dev.cvd.features;

import dev.cvd.market.Side;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of {@link FeatureEngine} on one core: quote events per second, with and without trades
 * between the quotes. The stream is a BTC-like random walk at a given quote rate, long enough that
 * every window is full; one invocation replays the whole stream on a fresh engine, so segment
 * starts and ring growth are paid as in production.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FeatureEngineBenchmark {

    static final int QUOTES = 200_000;

    /** Quotes per second of stream time: 10 is a busy BTC-USD ticker, 100 a burst. */
    @Param({"10", "100"})
    int quotesPerSecond;

    /** Trades per quote interleaved in the stream. */
    @Param({"0", "1"})
    int tradesPerQuote;

    long[] time;
    double[] bid;
    double[] ask;
    double[] bidQty;
    double[] askQty;
    double[] tradePrice;
    double[] tradeSize;
    Side[] tradeSide;

    @Setup(Level.Trial)
    public void generate() {
        SplittableRandom random = new SplittableRandom(42);
        time = new long[QUOTES];
        bid = new double[QUOTES];
        ask = new double[QUOTES];
        bidQty = new double[QUOTES];
        askQty = new double[QUOTES];
        tradePrice = new double[QUOTES];
        tradeSize = new double[QUOTES];
        tradeSide = new Side[QUOTES];
        long meanGapMicros = 1_000_000L / quotesPerSecond;
        long t = 1_764_547_200_000_000L;
        double mid = 90_000.0;
        for (int i = 0; i < QUOTES; i++) {
            t += 1 + (long) (random.nextDouble() * 2 * meanGapMicros);
            if (random.nextInt(4) == 0) {
                mid = Math.round((mid + (random.nextDouble() - 0.5) * 20) * 100) / 100.0;
            }
            time[i] = t;
            bid[i] = mid - 0.005;
            ask[i] = mid + 0.005;
            bidQty[i] = random.nextDouble() * 2;
            askQty[i] = random.nextDouble() * 2;
            tradePrice[i] = random.nextBoolean() ? ask[i] : bid[i];
            tradeSize[i] = random.nextDouble() * 0.1 + 1e-6;
            tradeSide[i] = random.nextBoolean() ? Side.BUY : Side.SELL;
        }
    }

    @Benchmark
    @OperationsPerInvocation(QUOTES)
    public void quotes(Blackhole bh) {
        FeatureEngine engine = new FeatureEngine();
        FeatureRowSink sink = (product, t, values) -> bh.consume(values[5]);
        boolean trades = tradesPerQuote > 0;
        for (int i = 0; i < QUOTES; i++) {
            if (trades) {
                engine.onTrade("BTC-USD", time[i], tradePrice[i], tradeSize[i], tradeSide[i]);
            }
            engine.onQuote("BTC-USD", time[i], bid[i], bidQty[i], ask[i], askQty[i], sink);
        }
    }
}

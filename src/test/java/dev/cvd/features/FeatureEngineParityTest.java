package dev.cvd.features;

import static dev.cvd.features.FeatureTestSupport.T0;
import static dev.cvd.features.FeatureTestSupport.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cvd.features.FeatureTestSupport.Impl;
import dev.cvd.features.FeatureTestSupport.Row;
import dev.cvd.market.BookSide;
import dev.cvd.market.BookUpdate;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import dev.cvd.market.Side;
import dev.cvd.market.Trade;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FeatureEngine} against the naive {@link ReferenceFeatures} on randomized event streams
 * (fixed seeds): the same rows in the same order, every value within 1e-9 relative and NaN where
 * NaN; an exact 0 of the reference must be an exact 0.
 *
 * <p>Two features are signed sums that can cancel to (near) zero, where no summation order is
 * accurate relative to the result: obi_mean (mean of obi in [-1, 1]) and trade_imbalance (buy -
 * sell). For streams with decimal sizes those two are compared relative to their magnitude scale
 * (mean |obi|, and 1 for the imbalance); for streams whose sizes and obi are small dyadic
 * rationals, all sums are exact in any order and every feature is compared plainly relative, exact
 * zeros included.
 *
 * <p>On a mismatch the test shrinks the stream to a small one that still differs and prints it as
 * Java source.
 */
class FeatureEngineParityTest {

    private static final double REL = 1e-9;

    /** Knobs of a generated stream. */
    record Profile(
            String name,
            int events,
            String[] products,
            double meanStepMicros,
            double pSameTime,
            double pGap,
            double pOutOfOrder,
            double pUnknownTime,
            double pQuote,
            double pTrade,
            double pInvalidQuote,
            double pInvalidTrade,
            double pMidMove,
            double pJump,
            double pFlatRun,
            double pZeroSpread,
            double pOddSize,
            boolean dyadic) {}

    static final String[] THREE = {"BTC-USD", "ETH-USD", "DOGE-USD"};

    static Profile mixed(boolean dyadic) {
        return new Profile(
                dyadic ? "mixed-dyadic" : "mixed",
                9000,
                THREE,
                300_000,
                0.08,
                0.0015,
                0.05,
                0.01,
                0.6,
                0.3,
                0.03,
                0.02,
                0.4,
                0.005,
                0.0005,
                0.02,
                0.05,
                dyadic);
    }

    static Profile highRate(boolean dyadic) {
        return new Profile(
                dyadic ? "high-rate-dyadic" : "high-rate",
                15_000,
                new String[] {"BTC-USD"},
                30_000,
                0.1,
                0.0,
                0.02,
                0.002,
                0.7,
                0.25,
                0.01,
                0.01,
                0.3,
                0.001,
                0.002,
                0.01,
                0.02,
                dyadic);
    }

    /** Long runs of unchanged mid and zero spreads, so that window sums must come back to 0. */
    static Profile flat() {
        return new Profile(
                "flat",
                12_000,
                new String[] {"BTC-USD", "ETH-USD"},
                100_000,
                0.05,
                0.0005,
                0.03,
                0.005,
                0.7,
                0.01,
                0.01,
                0.01,
                0.02,
                0.01,
                0.02,
                0.1,
                0.05,
                false);
    }

    /** Sparse, gappy streams: many segments, gaps right at 60 s. */
    static Profile gappy() {
        return new Profile(
                "gappy", 5000, THREE, 5_000_000, 0.05, 0.05, 0.1, 0.02, 0.5, 0.35, 0.05, 0.03, 0.5,
                0.01, 0.0, 0.05, 0.1, false);
    }

    // ---------------------------------------------------------------------------------------------
    // generator

    private static final class ProductState {
        final String id;
        final double tick;
        long clock = T0;
        long midTicks2; // 2 * mid in ticks: bid + ask in ticks
        int spreadTicks = 2;
        boolean hadValidKnownQuote;
        int flatLeft; // quotes left in a run of unchanged mid

        ProductState(String id, double tick, long midTicks2) {
            this.id = id;
            this.tick = tick;
            this.midTicks2 = midTicks2;
        }
    }

    static List<MarketEvent> generate(Profile pr, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<ProductState> ps = new ArrayList<>();
        for (String id : pr.products()) {
            if (id.startsWith("BTC")) {
                ps.add(new ProductState(id, 0.01, 2 * 6_000_000L)); // 60000.00
            } else if (id.startsWith("ETH")) {
                ps.add(new ProductState(id, 0.01, 2 * 300_000L)); // 3000.00
            } else {
                ps.add(new ProductState(id, 0.00001, 2 * 15_000L)); // 0.15000
            }
        }
        List<MarketEvent> out = new ArrayList<>(pr.events());
        for (int n = 0; n < pr.events(); n++) {
            ProductState p = ps.get(rnd.nextInt(ps.size()));
            // time
            double u = rnd.nextDouble();
            if (u < pr.pGap()) {
                long[] gaps = {
                    60_000_000L, 60_000_001L, 59_999_999L, 61_000_000L, 120_000_000L, 400_000_000L
                };
                p.clock += gaps[rnd.nextInt(gaps.length)];
            } else if (u >= pr.pGap() + pr.pSameTime()) {
                double step = -Math.log(1 - rnd.nextDouble()) * pr.meanStepMicros();
                p.clock += Math.max(1, (long) step);
            }
            long time = p.clock;
            if (rnd.nextDouble() < pr.pOutOfOrder()) {
                time -= rnd.nextLong(1, 3_000_000L); // the clamp brings it back
            }
            boolean unknown = rnd.nextDouble() < pr.pUnknownTime();

            double kind = rnd.nextDouble();
            if (kind < pr.pQuote()) {
                out.add(quote(pr, rnd, p, time, unknown));
            } else if (kind < pr.pQuote() + pr.pTrade()) {
                out.add(trade(pr, rnd, p, time, unknown));
            } else {
                boolean uk = unknown && p.hadValidKnownQuote;
                out.add(
                        new BookUpdate(
                                p.id,
                                uk ? UNKNOWN : time,
                                rnd.nextBoolean() ? BookSide.BID : BookSide.ASK,
                                p.midTicks2 * p.tick / 2,
                                rnd.nextInt(5)));
            }
        }
        return out;
    }

    private static Quote quote(
            Profile pr, SplittableRandom rnd, ProductState p, long time, boolean unknown) {
        if (rnd.nextDouble() < pr.pInvalidQuote()) {
            double bid = (p.midTicks2 - p.spreadTicks) * p.tick / 2;
            double ask = bid + p.spreadTicks * p.tick;
            switch (rnd.nextInt(9)) {
                case 0 -> bid = Double.NaN;
                case 1 -> ask = Double.NaN;
                case 2 -> bid = 0;
                case 3 -> ask = 0;
                case 4 -> bid = -bid;
                case 5 -> bid = ask + p.tick; // crossed
                case 6 -> bid = Double.POSITIVE_INFINITY;
                case 7 -> ask = Double.POSITIVE_INFINITY;
                default -> ask = Double.NEGATIVE_INFINITY;
            }
            // an invalid quote always carries a known time, so its only reason is invalid_quote
            return new Quote(p.id, time, bid, size(pr, rnd), ask, size(pr, rnd));
        }
        // move the mid
        if (p.flatLeft > 0) {
            p.flatLeft--;
        } else if (rnd.nextDouble() < pr.pFlatRun()) {
            p.flatLeft = rnd.nextInt(200, 3000);
        } else if (rnd.nextDouble() < pr.pJump()) {
            long jump = Math.max(2, p.midTicks2 / 50); // ~2 %
            p.midTicks2 += rnd.nextBoolean() ? jump : -Math.min(jump, p.midTicks2 / 2);
        } else if (rnd.nextDouble() < pr.pMidMove()) {
            p.midTicks2 += rnd.nextInt(-3, 4);
        }
        if (p.flatLeft == 0 && rnd.nextDouble() < 0.05) {
            p.spreadTicks = rnd.nextDouble() < pr.pZeroSpread() * 5 ? 0 : rnd.nextInt(1, 6);
        }
        p.midTicks2 = Math.max(p.midTicks2, p.spreadTicks + 2);
        // keep bid + ask == midTicks2 ticks when the parities allow it
        long bidTicks = (p.midTicks2 - p.spreadTicks) / 2;
        long askTicks = bidTicks + p.spreadTicks;
        double bid = ticks(bidTicks, p.tick);
        double ask = ticks(askTicks, p.tick);
        double bq;
        double aq;
        if (pr.dyadic()) {
            // bq + aq = 2: obi = (bq - aq) / 2 is a multiple of 1/16, sums of them are exact
            int k = rnd.nextInt(0, 17);
            bq = k / 8.0;
            aq = (16 - k) / 8.0;
            if (rnd.nextDouble() < pr.pOddSize()) {
                bq = odd(rnd);
            }
        } else {
            bq = size(pr, rnd);
            aq = size(pr, rnd);
        }
        boolean uk = unknown;
        if (uk && !p.hadValidKnownQuote && rnd.nextDouble() < 0.5) {
            uk = false;
        }
        if (!uk) {
            p.hadValidKnownQuote = true;
        }
        return new Quote(p.id, uk ? UNKNOWN : time, bid, bq, ask, aq);
    }

    /** A price of a whole number of ticks, as a decimal feed would print it. */
    private static double ticks(long n, double tick) {
        return tick == 0.01 ? n / 100.0 : n / 100_000.0;
    }

    private static double size(Profile pr, SplittableRandom rnd) {
        if (rnd.nextDouble() < pr.pOddSize()) {
            return odd(rnd);
        }
        return rnd.nextInt(1, 2_000_000) / 1e5; // 0.00001 .. 20
    }

    private static double odd(SplittableRandom rnd) {
        double[] odd = {Double.NaN, 0, -1, Double.POSITIVE_INFINITY, 0};
        return odd[rnd.nextInt(odd.length)];
    }

    private static Trade trade(
            Profile pr, SplittableRandom rnd, ProductState p, long time, boolean unknown) {
        double price = p.midTicks2 * p.tick / 2;
        double size = pr.dyadic() ? rnd.nextInt(1, 200) / 16.0 : rnd.nextInt(1, 500_000) / 1e5;
        Side side = Side.values()[rnd.nextInt(3)];
        if (rnd.nextDouble() < pr.pInvalidTrade()) {
            switch (rnd.nextInt(6)) {
                case 0 -> price = Double.NaN;
                case 1 -> price = 0;
                case 2 -> size = -size;
                case 3 -> size = 0;
                case 4 -> size = Double.POSITIVE_INFINITY;
                default -> price = Double.NEGATIVE_INFINITY;
            }
            return new Trade(p.id, time, price, size, side);
        }
        boolean uk = unknown && p.hadValidKnownQuote;
        return new Trade(p.id, uk ? UNKNOWN : time, price, size, side);
    }

    // ---------------------------------------------------------------------------------------------
    // comparison

    /** The first difference between engine and reference on a stream, or null. */
    static String compare(List<MarketEvent> events, boolean useScales, int maxReport) {
        FeatureTestSupport.Runner eng = Impl.ENGINE.newRunner();
        FeatureTestSupport.Runner ref = Impl.REFERENCE.newRunner();
        try {
            for (MarketEvent e : events) {
                eng.accept(e);
                ref.accept(e);
            }
        } catch (RuntimeException ex) {
            return "exception: " + ex;
        }
        List<Row> a = eng.rows();
        List<Row> b = ref.rows();
        StringBuilder sb = new StringBuilder();
        int reported = 0;
        if (a.size() != b.size()) {
            sb.append(String.format("engine emitted %d rows, reference %d%n", a.size(), b.size()));
            reported++;
        }
        for (int i = 0; i < Math.min(a.size(), b.size()) && reported < maxReport; i++) {
            String d = FeatureTestSupport.diff(a.get(i), b.get(i), REL, useScales);
            if (d != null) {
                sb.append(String.format("row %d, %s:%s%n", i, b.get(i), d));
                reported++;
                if (!a.get(i).product().equals(b.get(i).product())
                        || a.get(i).time() != b.get(i).time()) {
                    break; // rows out of step: later rows tell nothing
                }
            }
        }
        Map<String, Long> ra = known(eng.rejected());
        Map<String, Long> rb = known(ref.rejected());
        if (!ra.equals(rb)) {
            sb.append("rejected: engine ").append(ra).append(", reference ").append(rb);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private static Map<String, Long> known(Map<String, Long> m) {
        Map<String, Long> k = new TreeMap<>();
        for (String reason : List.of("invalid_quote", "invalid_trade", "missing_time")) {
            long v = m.getOrDefault(reason, 0L);
            if (v != 0) {
                k.put(reason, v);
            }
        }
        return k;
    }

    /**
     * A small stream on which the engine and the reference still differ: the shortest differing
     * prefix (rows come out in order, so later events do not matter), then chunks removed while the
     * difference stays (ddmin-like), within a time budget.
     */
    static List<MarketEvent> shrink(List<MarketEvent> events, boolean useScales) {
        int lo = 1;
        int hi = events.size(); // events[0, hi) differ
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(events.subList(0, mid), useScales, 1) != null) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        List<MarketEvent> cur = new ArrayList<>(events.subList(0, hi));
        if (compare(cur, useScales, 1) == null) {
            return new ArrayList<>(events); // the difference needs the whole stream
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        int chunk = Math.max(1, cur.size() / 2);
        while (chunk >= 1 && System.nanoTime() < deadline) {
            boolean removed = false;
            for (int start = 0; start < cur.size() && System.nanoTime() < deadline; ) {
                List<MarketEvent> cand = new ArrayList<>(cur.subList(0, start));
                cand.addAll(cur.subList(Math.min(cur.size(), start + chunk), cur.size()));
                if (!cand.isEmpty() && compare(cand, useScales, 1) != null) {
                    cur = cand;
                    removed = true;
                } else {
                    start += chunk;
                }
            }
            if (!removed) {
                chunk /= 2;
            }
        }
        return cur;
    }

    private static void assertParity(List<MarketEvent> events, boolean useScales, String label) {
        String d = compare(events, useScales, 5);
        if (d == null) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(label).append(": engine and reference differ\n").append(d);
        List<MarketEvent> small = shrink(events, useScales);
        if (small.size() <= 200) {
            sb.append("\nshrunk to ").append(small.size()).append(" events:\n");
            for (MarketEvent e : small) {
                sb.append("    ").append(FeatureTestSupport.source(e)).append(",\n");
            }
            sb.append(compare(small, useScales, 3));
        }
        assertThat(sb.toString()).as(label).isNull();
    }

    // ---------------------------------------------------------------------------------------------
    // tests

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void mixedStreams(long seed) {
        List<MarketEvent> events = generate(mixed(false), seed);
        assertSane(events);
        assertParity(events, true, "mixed seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13})
    void mixedDyadicStreamsMatchExactly(long seed) {
        assertParity(generate(mixed(true), seed), false, "mixed-dyadic seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22})
    void highRateStreams(long seed) {
        List<MarketEvent> events = generate(highRate(false), seed);
        assertParity(events, true, "high-rate seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {31, 32})
    void highRateDyadicStreamsMatchExactly(long seed) {
        assertParity(generate(highRate(true), seed), false, "high-rate-dyadic seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {41, 42, 43})
    void flatStreamsComeBackToExactZero(long seed) {
        List<MarketEvent> events = generate(flat(), seed);
        assertParity(events, true, "flat seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {51, 52, 53})
    void gappyStreams(long seed) {
        assertParity(generate(gappy(), seed), true, "gappy seed " + seed);
    }

    /** The direct entry points behave exactly as {@link FeatureEngine#accept}. */
    @Test
    void directEntryPointsMatchAccept() {
        List<MarketEvent> events = generate(mixed(false), 99);
        List<Row> viaAccept = Impl.ENGINE.run(events);
        FeatureEngine engine = new FeatureEngine();
        List<Row> direct = new ArrayList<>();
        FeatureRowSink sink =
                (p, t, v) -> direct.add(new Row(p, t, v.clone(), new double[v.length]));
        for (MarketEvent e : events) {
            if (e instanceof Quote q) {
                engine.onQuote(
                        q.productId(),
                        q.timeMicros(),
                        q.bid(),
                        q.bidQty(),
                        q.ask(),
                        q.askQty(),
                        sink);
            } else if (e instanceof Trade t) {
                engine.onTrade(t.productId(), t.timeMicros(), t.price(), t.size(), t.side());
            } else {
                engine.onBookUpdate(e.productId(), e.timeMicros());
            }
        }
        assertThat(direct).hasSameSizeAs(viaAccept);
        for (int i = 0; i < direct.size(); i++) {
            assertThat(FeatureTestSupport.diff(direct.get(i), viaAccept.get(i), 0, false))
                    .as("row %d", i)
                    .isNull();
        }
    }

    /**
     * The generated streams do exercise what they are meant to: windows holding thousands of
     * quotes, exact-zero rv after flat runs, gaps starting segments, trades of every side.
     */
    @Test
    void streamsCoverTheIntendedCases() {
        List<Row> high = Impl.REFERENCE.run(generate(highRate(false), 21));
        double maxRate300 =
                high.stream()
                        .mapToDouble(r -> r.get("quote_rate_300s"))
                        .filter(v -> !Double.isNaN(v))
                        .max()
                        .orElse(0);
        assertThat(maxRate300 * 300).as("quotes in a 300 s window").isGreaterThan(3000);

        List<Row> flatRows = Impl.REFERENCE.run(generate(flat(), 41));
        long zeroRv = flatRows.stream().filter(r -> r.get("rv_300s") == 0.0).count();
        long zeroSpreadMean = flatRows.stream().filter(r -> r.get("spread_mean_30s") == 0).count();
        long zeroVolume = flatRows.stream().filter(r -> r.get("trade_volume_30s") == 0).count();
        assertThat(zeroRv).as("rows with rv_300s exactly 0").isGreaterThan(20);
        assertThat(zeroSpreadMean).as("rows with spread_mean_30s exactly 0").isGreaterThan(10);
        assertThat(zeroVolume).as("rows with trade_volume_30s exactly 0").isGreaterThan(0);

        List<MarketEvent> gappyEvents = generate(gappy(), 51);
        FeatureTestSupport.Runner ref = Impl.REFERENCE.newRunner();
        gappyEvents.forEach(ref::accept);
        List<Row> gappy = ref.rows();
        long firstOfSegment = gappy.stream().filter(r -> Double.isNaN(r.get("dt_prev_s"))).count();
        assertThat(firstOfSegment).as("segment starts").isGreaterThan(100);
        long coveredWithoutTrade =
                gappy.stream()
                        .filter(
                                r ->
                                        !Double.isNaN(r.get("rv_30s"))
                                                && Double.isNaN(r.get("trade_rate_30s")))
                        .count();
        assertThat(coveredWithoutTrade).as("covered rows of segments without trades").isPositive();
        long tradesWithoutImbalance =
                gappy.stream()
                        .filter(
                                r ->
                                        r.get("trade_volume_30s") > 0
                                                && Double.isNaN(r.get("trade_imbalance_30s")))
                        .count();
        assertThat(tradesWithoutImbalance).as("volume of UNKNOWN side only").isPositive();
        assertThat(ref.rejected()).containsKeys("invalid_quote", "invalid_trade");
        assertThat(gappyEvents.stream().filter(e -> e.timeMicros() == UNKNOWN).count())
                .isPositive();
    }

    private static void assertSane(List<MarketEvent> events) {
        assertThat(events).hasSizeGreaterThan(1000);
    }
}

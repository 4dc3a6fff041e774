package dev.cvd.features;

import static dev.cvd.features.FeatureTestSupport.UNKNOWN;
import static dev.cvd.features.FeatureTestSupport.book;
import static dev.cvd.features.FeatureTestSupport.expect;
import static dev.cvd.features.FeatureTestSupport.q;
import static dev.cvd.features.FeatureTestSupport.t;
import static dev.cvd.features.FeatureTestSupport.tr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cvd.features.FeatureTestSupport.Expect;
import dev.cvd.features.FeatureTestSupport.Impl;
import dev.cvd.features.FeatureTestSupport.Row;
import dev.cvd.features.FeatureTestSupport.Runner;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Side;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Golden rows of feature contract v1, computed by hand from the contract text, checked against both
 * {@link FeatureEngine} and the naive {@link ReferenceFeatures} (so that the reference itself is
 * checked too). Every row is compared in full: a feature not set in an expectation must be NaN.
 * Values match within 1e-12 relative; an expected exact 0 must be an exact 0.
 *
 * <p>Prices are chosen so that mids are round: bid 99 / ask 101 is mid 100 and spread_bps = 1e4 * 2
 * / 100 = 200; bid 100 / ask 102 is mid 101 and spread_bps = 2e4 / 101; bid 101 / ask 103 is mid
 * 102.
 */
class FeatureEngineGoldenTest {

    private static final double REL = 1e-12;

    /** spread_bps of bid 99 / ask 101: 1e4 * 2 / 100. */
    private static final double SP100 = 200.0;

    /** spread_bps of bid 100 / ask 102: 1e4 * 2 / 101. */
    private static final double SP101 = 1e4 * 2 / 101.0;

    /** spread_bps of bid 101 / ask 103: 1e4 * 2 / 102. */
    private static final double SP102 = 1e4 * 2 / 102.0;

    private static double ln(double x) {
        return Math.log(x);
    }

    private static double rv(double... r) {
        double s = 0;
        for (double x : r) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    private static Runner run(Impl impl, List<MarketEvent> events) {
        Runner r = impl.newRunner();
        for (MarketEvent e : events) {
            r.accept(e);
        }
        return r;
    }

    private static void assertRows(List<Row> actual, Expect... expected) {
        StringBuilder problems = new StringBuilder();
        if (actual.size() != expected.length) {
            problems.append(
                    String.format(
                            "%d rows emitted, %d expected:%n  %s%n",
                            actual.size(), expected.length, actual));
        }
        for (int i = 0; i < Math.min(actual.size(), expected.length); i++) {
            String d = FeatureTestSupport.diff(actual.get(i), expected[i].row(), REL, false);
            if (d != null) {
                problems.append(String.format("row %d (%s):%s%n", i, actual.get(i), d));
            }
        }
        assertThat(problems.toString()).as("rows differ from the golden rows").isEmpty();
    }

    private static Runner check(Impl impl, List<MarketEvent> events, Expect... expected) {
        Runner r = run(impl, events);
        assertRows(r.rows(), expected);
        return r;
    }

    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Impl.class)
    void firstQuoteHasOnlyInstantFeatures(Impl impl) {
        // mid 100, spread_bps 200, obi = (3 - 1) / (3 + 1) = 0.5; everything else NaN (no history,
        // no coverage, no trade, no previous quote)
        Runner r = check(impl, List.of(q("A", t(0), 99, 3, 101, 1)), row0("A", t(0), SP100, 0.5));
        assertThat(r.rejected().values().stream().mapToLong(Long::longValue).sum()).isZero();
    }

    private static Expect row0(String p, long time, double spreadBps, double obi) {
        return expect(p, time).with("spread_bps", spreadBps).with("obi", obi);
    }

    /**
     * Constant mid 100 (bid 99 / ask 101, sizes 1 / 1): every return is ln(100/100) = 0 exactly,
     * spread_bps 200, obi 0. Quotes just before and exactly at each coverage boundary (1, 5, 30,
     * 60, 300 s); steps of exactly 60 s keep the segment.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void coverageStartsExactlyWhenTheSegmentIsWOld(Impl impl) {
        long[] times = {
            t(0),
            t(0, 999_999),
            t(1),
            t(4, 999_999),
            t(5),
            t(29, 999_999),
            t(30),
            t(59, 999_999),
            t(60),
            t(120),
            t(180),
            t(240),
            t(299, 999_999),
            t(300)
        };
        List<MarketEvent> events = new ArrayList<>();
        for (long time : times) {
            events.add(q("A", time, 99, 1, 101, 1));
        }
        check(
                impl,
                events,
                c(t(0), Double.NaN),
                c(t(0, 999_999), 0.999999),
                c(t(1), 1e-6).with("ret_1s", 0),
                c(t(4, 999_999), 3.999999).with("ret_1s", 0),
                c(t(5), 1e-6).with("ret_1s", 0).with("ret_5s", 0),
                c(t(29, 999_999), 24.999999).with("ret_1s", 0).with("ret_5s", 0),
                // t = 30: window (0, 30] holds 0.999999, 1, 4.999999, 5, 29.999999, 30: 6 quotes
                c(t(30), 1e-6).with("ret_1s", 0).with("ret_5s", 0).with("ret_30s", 0).with(30, 6),
                // window (29.999999, 59.999999] holds 30 and 59.999999
                c(t(59, 999_999), 29.999999)
                        .with("ret_1s", 0)
                        .with("ret_5s", 0)
                        .with("ret_30s", 0)
                        .with(30, 2),
                // t = 60: (30, 60] holds 59.999999, 60; (0, 60] holds the 8 quotes after t = 0
                c(t(60), 1e-6).withAllRets().with(30, 2).with(60, 8),
                // gap of exactly 60 s: same segment; (90, 120] and (60, 120] hold 120 only
                c(t(120), 60).withAllRets().with(30, 1).with(60, 1),
                c(t(180), 60).withAllRets().with(30, 1).with(60, 1),
                c(t(240), 60).withAllRets().with(30, 1).with(60, 1),
                // (269.999999, 299.999999]: 1; (239.999999, 299.999999]: 240 and 299.999999
                c(t(299, 999_999), 59.999999).withAllRets().with(30, 1).with(60, 2),
                // (270, 300]: 2; (240, 300]: 299.999999, 300 (240 excluded); (0, 300]: 13 of 14
                c(t(300), 1e-6).withAllRets().with(30, 2).with(60, 2).with(300, 13));
    }

    private static ConstRow c(long time, double dtPrev) {
        return new ConstRow(time, dtPrev);
    }

    /** A row of a constant-mid-100 stream: returns 0, rv 0, spread 200, obi 0. */
    private static final class ConstRow extends Expect {
        ConstRow(long time, double dtPrev) {
            super("A", time);
            with("spread_bps", SP100).with("obi", 0.0).with("dt_prev_s", dtPrev);
        }

        @Override
        ConstRow with(String name, double value) {
            super.with(name, value);
            return this;
        }

        ConstRow withAllRets() {
            return with("ret_1s", 0).with("ret_5s", 0).with("ret_30s", 0).with("ret_60s", 0);
        }

        /** Window w covered, holding {@code quotes} quotes. */
        ConstRow with(int w, int quotes) {
            return with("rv_" + w + "s", 0)
                    .with("quote_rate_" + w + "s", (double) quotes / w)
                    .with("spread_mean_" + w + "s", SP100)
                    .with("obi_mean_" + w + "s", 0);
        }
    }

    /**
     * A gap of exactly 60 s continues the segment, a gap of 60.000001 s starts a new one, and the
     * new segment drops the trade received in the old one.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void gapOfExactly60sContinuesAndLongerGapResets(Impl impl) {
        double r1 = ln(101.0 / 100.0);
        check(
                impl,
                List.of(
                        q("A", t(0), 99, 1, 101, 1), // Q0 mid 100
                        q("A", t(60), 100, 1, 102, 1), // Q1 mid 101, 60 s later: same segment
                        tr("A", t(100), 101, 1, Side.BUY), // lands in the first segment
                        q("A", t(120, 1), 99, 1, 101, 1), // Q2 60.000001 s later: new segment
                        q("A", t(150, 1), 100, 1, 102, 1), // Q3: segment exactly 30 s old
                        tr("A", t(150, 1), 101, 2, Side.SELL),
                        q("A", t(150, 1), 100, 1, 102, 1)), // Q4: same mid as Q3, r = 0
                row0("A", t(0), SP100, 0),
                // Q1: all lags reach back to Q0 (t - k >= 0); (30, 60] and (0, 60] hold Q1 only
                row0("A", t(60), SP101, 0)
                        .with("ret_1s", r1)
                        .with("ret_5s", r1)
                        .with("ret_30s", r1)
                        .with("ret_60s", r1)
                        .with("rv_30s", rv(r1))
                        .with("rv_60s", rv(r1))
                        .with("quote_rate_30s", 1.0 / 30)
                        .with("quote_rate_60s", 1.0 / 60)
                        .with("spread_mean_30s", SP101)
                        .with("spread_mean_60s", SP101)
                        .with("obi_mean_30s", 0)
                        .with("obi_mean_60s", 0)
                        .with("dt_prev_s", 60),
                // Q2 starts a segment: no history at all
                row0("A", t(120, 1), SP100, 0),
                // Q3: lags 1, 5, 30 reach Q2; (120.000001, 150.000001] holds Q3 only; the trade at
                // 100 s belonged to the old segment, so this segment has seen no trade: NaN
                row0("A", t(150, 1), SP101, 0)
                        .with("ret_1s", r1)
                        .with("ret_5s", r1)
                        .with("ret_30s", r1)
                        .with("rv_30s", rv(r1))
                        .with("quote_rate_30s", 1.0 / 30)
                        .with("spread_mean_30s", SP101)
                        .with("obi_mean_30s", 0)
                        .with("dt_prev_s", 30),
                // Q4: r4 = ln(101/101) = 0; window holds Q3, Q4 and the SELL of 2
                row0("A", t(150, 1), SP101, 0)
                        .with("ret_1s", r1)
                        .with("ret_5s", r1)
                        .with("ret_30s", r1)
                        .with("rv_30s", rv(r1, 0))
                        .with("quote_rate_30s", 2.0 / 30)
                        .with("spread_mean_30s", SP101)
                        .with("obi_mean_30s", 0)
                        .with("trade_rate_30s", 1.0 / 30)
                        .with("trade_volume_30s", 2)
                        .with("trade_imbalance_30s", (0 - 2.0) / (0 + 2.0))
                        .with("dt_prev_s", 0));
    }

    /**
     * Window boundaries: an event at exactly t - w is out of the window, one at t - w + 1 us is in.
     * Also ret_k at exactly t_j = t - k (included), obi NaN from a missing size.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void windowEvictionIsExactAtTheBoundary(Impl impl) {
        double r1 = ln(101.0 / 100.0); // Q0 -> Q1
        double r2 = ln(100.0 / 101.0); // Q1 -> Q2
        double r3 = ln(101.0 / 100.0); // Q2 -> Q3
        double r4 = ln(100.0 / 101.0); // Q3 -> Q4
        check(
                impl,
                List.of(
                        q("A", t(0), 99, 1, 101, 1), // Q0 mid 100, obi 0
                        q("A", t(10), 100, 3, 102, 1), // Q1 mid 101, obi 0.5
                        tr("A", t(10), 101, 1.5, Side.BUY), // T1 at 10 s
                        q("A", t(39, 999_999), 99, 1, 101, 3), // Q2 mid 100, obi -0.5
                        q("A", t(40), 100, 2, 102, 2), // Q3 mid 101, obi 0
                        q("A", t(60), 99, Double.NaN, 101, 1)), // Q4 mid 100, obi NaN
                row0("A", t(0), SP100, 0),
                // Q1: lags 1 and 5 reach Q0
                row0("A", t(10), SP101, 0.5)
                        .with("ret_1s", r1)
                        .with("ret_5s", r1)
                        .with("dt_prev_s", 10),
                // Q2 at 39.999999: window (9.999999, 39.999999] holds Q1 (= t - w + 1us), Q2 and T1
                // ret_1s/ret_5s: last quote <= 38.999999 / 34.999999 is Q1 -> ln(100/101)
                // ret_30s: last quote <= 9.999999 is Q0 -> ln(100/100) = 0
                // obi_mean = (0.5 + -0.5) / 2 = 0 exactly
                row0("A", t(39, 999_999), SP100, -0.5)
                        .with("ret_1s", ln(100.0 / 101.0))
                        .with("ret_5s", ln(100.0 / 101.0))
                        .with("ret_30s", 0)
                        .with("rv_30s", rv(r1, r2))
                        .with("quote_rate_30s", 2.0 / 30)
                        .with("spread_mean_30s", (SP101 + SP100) / 2)
                        .with("obi_mean_30s", 0)
                        .with("trade_rate_30s", 1.0 / 30)
                        .with("trade_volume_30s", 1.5)
                        .with("trade_imbalance_30s", 1)
                        .with("dt_prev_s", 29.999999),
                // Q3 at 40: window (10, 40] holds Q2, Q3; Q1 and T1 at exactly t - w are out
                // ret_k: last quote <= 39, 35 and 10 (t_j = t - k included) is Q1 -> ln(101/101)
                // the segment has seen a trade: rate 0, volume 0, imbalance NaN (no volume)
                row0("A", t(40), SP101, 0)
                        .with("ret_1s", 0)
                        .with("ret_5s", 0)
                        .with("ret_30s", 0)
                        .with("rv_30s", rv(r2, r3))
                        .with("quote_rate_30s", 2.0 / 30)
                        .with("spread_mean_30s", (SP100 + SP101) / 2)
                        .with("obi_mean_30s", (-0.5 + 0) / 2)
                        .with("trade_rate_30s", 0)
                        .with("trade_volume_30s", 0)
                        .with("dt_prev_s", 1e-6),
                // Q4 at 60: (30, 60] holds Q2, Q3, Q4; (0, 60] holds Q1..Q4 (Q0 at 0 out)
                // ret_1s/5s -> Q3 (40): ln(100/101); ret_30s: last <= 30 is Q1: ln(100/101);
                // ret_60s: last <= 0 is Q0: ln(100/100) = 0
                // obi_mean_30s = mean(-0.5, 0) (Q4 NaN skipped); obi_mean_60s = (0.5 - 0.5 + 0) / 3
                row0("A", t(60), SP100, Double.NaN)
                        .with("ret_1s", ln(100.0 / 101.0))
                        .with("ret_5s", ln(100.0 / 101.0))
                        .with("ret_30s", ln(100.0 / 101.0))
                        .with("ret_60s", 0)
                        .with("rv_30s", rv(r2, r3, r4))
                        .with("rv_60s", rv(r1, r2, r3, r4))
                        .with("quote_rate_30s", 3.0 / 30)
                        .with("quote_rate_60s", 4.0 / 60)
                        .with("spread_mean_30s", (SP100 + SP101 + SP100) / 3)
                        .with("spread_mean_60s", (SP101 + SP100 + SP101 + SP100) / 4)
                        .with("obi_mean_30s", (-0.5 + 0) / 2)
                        .with("obi_mean_60s", 0)
                        .with("trade_rate_30s", 0)
                        .with("trade_volume_30s", 0)
                        .with("trade_rate_60s", 1.0 / 60)
                        .with("trade_volume_60s", 1.5)
                        .with("trade_imbalance_60s", 1)
                        .with("dt_prev_s", 20));
    }

    /**
     * ret_k boundary: j is the last quote with t_j <= t - k, so at t - k exactly it is that quote
     * and 1 us earlier the one before.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void returnLagBoundaryIsInclusive(Impl impl) {
        check(
                impl,
                List.of(
                        q("A", t(0), 99, 1, 101, 1), // Q0 mid 100
                        q("A", t(0, 500_000), 100, 1, 102, 1), // Q1 mid 101 at 0.5 s
                        q("A", t(1, 499_999), 101, 1, 103, 1), // Q2 mid 102: t - 1 = 0.499999
                        q("A", t(1, 500_000), 101, 1, 103, 1)), // Q3 mid 102: t - 1 = 0.5
                row0("A", t(0), SP100, 0),
                row0("A", t(0, 500_000), SP101, 0).with("dt_prev_s", 0.5),
                // last quote <= 0.499999 is Q0
                row0("A", t(1, 499_999), SP102, 0)
                        .with("ret_1s", ln(102.0 / 100.0))
                        .with("dt_prev_s", 0.999999),
                // last quote <= 0.5 is Q1
                row0("A", t(1, 500_000), SP102, 0)
                        .with("ret_1s", ln(102.0 / 101.0))
                        .with("dt_prev_s", 1e-6));
    }

    /**
     * Several quotes at one timestamp: each makes a row with dt_prev_s 0 and its own tick return;
     * the lag target is the last of them in arrival order; trades at a row's own time count, at t -
     * w they don't.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void equalTimestamps(Impl impl) {
        double r3 = ln(100.0 / 102.0); // Q2 (mid 102) -> Q3 (mid 100)
        double r4 = ln(101.0 / 100.0); // Q3 -> Q4
        check(
                impl,
                List.of(
                        q("A", t(0), 99, 1, 101, 1), // Q0 mid 100
                        q("A", t(0), 100, 1, 102, 1), // Q1 mid 101
                        q("A", t(0), 101, 1, 103, 1), // Q2 mid 102
                        tr("A", t(0), 102, 2, Side.BUY), // at t - w for Q4: out
                        q("A", t(1), 99, 1, 101, 1), // Q3 mid 100
                        tr("A", t(30), 100, 1, Side.SELL), // same time as Q4: in
                        q("A", t(30), 100, 1, 102, 1)), // Q4 mid 101
                row0("A", t(0), SP100, 0),
                row0("A", t(0), SP101, 0).with("dt_prev_s", 0),
                row0("A", t(0), SP102, 0).with("dt_prev_s", 0),
                // last quote with t_j <= 0 is Q2 (mid 102)
                row0("A", t(1), SP100, 0).with("ret_1s", ln(100.0 / 102.0)).with("dt_prev_s", 1),
                // ret_1s/5s -> Q3 (mid 100); ret_30s: last <= 0 is Q2 (mid 102)
                // (0, 30] holds Q3, Q4 (r1, r2 at t = 0 are out) and the SELL only
                row0("A", t(30), SP101, 0)
                        .with("ret_1s", ln(101.0 / 100.0))
                        .with("ret_5s", ln(101.0 / 100.0))
                        .with("ret_30s", ln(101.0 / 102.0))
                        .with("rv_30s", rv(r3, r4))
                        .with("quote_rate_30s", 2.0 / 30)
                        .with("spread_mean_30s", (SP100 + SP101) / 2)
                        .with("obi_mean_30s", 0)
                        .with("trade_rate_30s", 1.0 / 30)
                        .with("trade_volume_30s", 1)
                        .with("trade_imbalance_30s", -1)
                        .with("dt_prev_s", 29));
    }

    /**
     * Out-of-order times are clamped to the product's previous event, whatever its type; a time
     * UNKNOWN takes the previous time; rows carry the clamped time.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void outOfOrderTimesAreClamped(Impl impl) {
        double r2 = ln(100.0 / 101.0); // Q1 -> Q2
        double r3 = 0; // Q2 -> Q3, both mid 100
        double r4 = ln(101.0 / 100.0); // Q3 -> Q4
        double r5 = ln(102.0 / 101.0); // Q4 -> Q5
        Runner r =
                check(
                        impl,
                        List.of(
                                q("A", t(10), 99, 1, 101, 1), // Q0 mid 100 at 10
                                q("A", t(5), 100, 1, 102, 1), // Q1 mid 101, 5 -> 10
                                book("A", t(20)),
                                q("A", t(15), 99, 1, 101, 1), // Q2 mid 100, 15 -> 20 (book)
                                tr("A", t(25), 100, 1, Side.SELL),
                                q("A", t(22), 99, 1, 101, 1), // Q3 mid 100, 22 -> 25 (trade)
                                q("A", UNKNOWN, 100, 1, 102, 1), // Q4 mid 101, unknown -> 25
                                q("A", t(40), 101, 1, 103, 1)), // Q5 mid 102 at 40: 30 s old
                        row0("A", t(10), SP100, 0),
                        row0("A", t(10), SP101, 0).with("dt_prev_s", 0),
                        // last quote <= 19 (and <= 15) is Q1 (the later of the two at 10)
                        row0("A", t(20), SP100, 0)
                                .with("ret_1s", ln(100.0 / 101.0))
                                .with("ret_5s", ln(100.0 / 101.0))
                                .with("dt_prev_s", 10),
                        // last quote <= 24 and <= 20 is Q2 (mid 100)
                        row0("A", t(25), SP100, 0)
                                .with("ret_1s", 0)
                                .with("ret_5s", 0)
                                .with("dt_prev_s", 5),
                        row0("A", t(25), SP101, 0)
                                .with("ret_1s", ln(101.0 / 100.0))
                                .with("ret_5s", ln(101.0 / 100.0))
                                .with("dt_prev_s", 0),
                        // ret_1s/5s: last <= 39 / 35 is Q4 (mid 101); ret_30s: last <= 10 is Q1
                        // (10, 40] holds Q2, Q3, Q4, Q5 and the SELL at 25
                        row0("A", t(40), SP102, 0)
                                .with("ret_1s", ln(102.0 / 101.0))
                                .with("ret_5s", ln(102.0 / 101.0))
                                .with("ret_30s", ln(102.0 / 101.0))
                                .with("rv_30s", rv(r2, r3, r4, r5))
                                .with("quote_rate_30s", 4.0 / 30)
                                .with("spread_mean_30s", (SP100 + SP100 + SP101 + SP102) / 4)
                                .with("obi_mean_30s", 0)
                                .with("trade_rate_30s", 1.0 / 30)
                                .with("trade_volume_30s", 1)
                                .with("trade_imbalance_30s", -1)
                                .with("dt_prev_s", 15));
        assertThat(r.rejected().values().stream().mapToLong(Long::longValue).sum()).isZero();
    }

    /**
     * A book update moves only the clamp: here it pushes a late quote more than 60 s after the
     * previous quote, which starts a new segment. Without it the same quote continues the segment.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void bookUpdateAdvancesTheClampAndNothingElse(Impl impl) {
        check(
                impl,
                List.of(
                        q("A", t(10), 99, 1, 101, 1),
                        book("A", t(80)),
                        q("A", t(60), 100, 1, 102, 1), // 60 -> 80: 70 s after the quote at 10
                        q("A", t(110), 99, 1, 101, 1)), // the new segment is 30 s old
                row0("A", t(10), SP100, 0),
                row0("A", t(80), SP101, 0),
                row0("A", t(110), SP100, 0)
                        .with("ret_1s", ln(100.0 / 101.0))
                        .with("ret_5s", ln(100.0 / 101.0))
                        .with("ret_30s", ln(100.0 / 101.0))
                        .with("rv_30s", rv(ln(100.0 / 101.0)))
                        .with("quote_rate_30s", 1.0 / 30)
                        .with("spread_mean_30s", SP100)
                        .with("obi_mean_30s", 0)
                        .with("dt_prev_s", 30));
        // control: without the book update the quote at 60 s is 50 s after the first one
        check(
                impl,
                List.of(q("A", t(10), 99, 1, 101, 1), q("A", t(60), 100, 1, 102, 1)),
                row0("A", t(10), SP100, 0),
                row0("A", t(60), SP101, 0)
                        .with("ret_1s", ln(101.0 / 100.0))
                        .with("ret_5s", ln(101.0 / 100.0))
                        .with("ret_30s", ln(101.0 / 100.0))
                        .with("rv_30s", rv(ln(101.0 / 100.0)))
                        .with("quote_rate_30s", 1.0 / 30)
                        .with("spread_mean_30s", SP101)
                        .with("obi_mean_30s", 0)
                        .with("dt_prev_s", 50));
    }

    /** Book updates that do not move the clamp past the next quote change no row at all. */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void bookUpdatesEmitNoRowsAndChangeNoFeature(Impl impl) {
        List<MarketEvent> without = new ArrayList<>();
        List<MarketEvent> with = new ArrayList<>();
        with.add(book("A", t(0))); // before the first quote
        double[] mids = {100, 101, 100, 102, 102, 101, 100, 100, 101, 103};
        for (int i = 0; i < mids.length; i++) {
            long time = t(i * 10L);
            MarketEvent quote = q("A", time, mids[i] - 1, 1 + i, mids[i] + 1, 2);
            MarketEvent trade = tr("A", time, mids[i], 0.5 + i, i % 2 == 0 ? Side.BUY : Side.SELL);
            without.add(quote);
            without.add(trade);
            with.add(quote);
            with.add(book("A", time));
            with.add(book("A", time - 3_000_000)); // out of order, clamped
            with.add(book("A", UNKNOWN));
            with.add(trade);
        }
        List<Row> a = impl.run(without);
        List<Row> b = impl.run(with);
        assertThat(a).hasSize(mids.length);
        assertThat(b).hasSize(mids.length);
        for (int i = 0; i < a.size(); i++) {
            assertThat(FeatureTestSupport.diff(b.get(i), a.get(i), 0, false))
                    .as("row %d", i)
                    .isNull();
        }
    }

    /**
     * Invalid quotes are counted and change nothing: no row, no clamp (they carry a time 100 s
     * ahead), no segment. bid == ask is valid with spread 0.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void invalidQuotesAreCountedAndChangeNothing(Impl impl) {
        double nan = Double.NaN;
        double inf = Double.POSITIVE_INFINITY;
        long ahead = t(100);
        List<MarketEvent> events =
                List.of(
                        q("A", t(0), 99, 1, 101, 1), // mid 100
                        q("A", ahead, nan, 1, 101, 1),
                        q("A", ahead, 99, 1, nan, 1),
                        q("A", ahead, nan, 1, nan, 1),
                        q("A", ahead, 0, 1, 101, 1),
                        q("A", ahead, 99, 1, 0, 1),
                        q("A", ahead, -99, 1, 101, 1),
                        q("A", ahead, 99, 1, -101, 1),
                        q("A", ahead, 102, 1, 101, 1), // crossed
                        q("A", ahead, Math.nextUp(101.0), 1, 101, 1), // crossed by one ulp
                        q("A", ahead, inf, 1, inf, 1),
                        q("A", ahead, 99, 1, inf, 1),
                        q("A", ahead, -inf, 1, 101, 1),
                        q("B", t(0), nan, 1, 101, 1), // a fresh product: no state created
                        q("A", t(30), 100, 1, 100, 1)); // bid == ask: mid 100, spread 0
        Runner r =
                check(
                        impl,
                        events,
                        row0("A", t(0), SP100, 0),
                        // same segment, 30 s old; r = ln(100/100) = 0; spread 1e4 * 0 / 100 = 0
                        row0("A", t(30), 0, 0)
                                .with("ret_1s", 0)
                                .with("ret_5s", 0)
                                .with("ret_30s", 0)
                                .with("rv_30s", 0)
                                .with("quote_rate_30s", 1.0 / 30)
                                .with("spread_mean_30s", 0)
                                .with("obi_mean_30s", 0)
                                .with("dt_prev_s", 30));
        assertThat(r.rejected()).containsEntry("invalid_quote", 13L);
        assertThat(total(r.rejected())).isEqualTo(13L);
        // product B's first valid quote is still a first quote
        Runner r2 = run(impl, List.of(q("B", t(5), nan, 1, 101, 1), q("B", t(3), 99, 1, 101, 1)));
        assertRows(r2.rows(), row0("B", t(3), SP100, 0));
    }

    private static long total(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * obi is NaN for a missing, non-finite or negative size and for a zero sum; obi_mean skips NaN
     * obi and is NaN when the covered window holds none.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void obiWithMissingSizes(Impl impl) {
        double nan = Double.NaN;
        double inf = Double.POSITIVE_INFINITY;
        double mean3 = (-1 + 1 + 0.5) / 3; // obi of Q5, Q6, Q7
        check(
                impl,
                List.of(
                        q("A", t(0), 99, nan, 101, 1), // Q0 obi NaN
                        q("A", t(1), 99, 1, 101, nan), // Q1 NaN
                        q("A", t(2), 99, -1, 101, 1), // Q2 NaN (negative size)
                        q("A", t(3), 99, inf, 101, 1), // Q3 NaN (infinite size)
                        q("A", t(4), 99, 0, 101, 0), // Q4 NaN (sum 0)
                        q("A", t(5), 99, 0, 101, 2), // Q5 (0 - 2) / 2 = -1
                        q("A", t(6), 99, 3, 101, 0), // Q6 (3 - 0) / 3 = 1
                        q("A", t(31), 99, 3, 101, 1), // Q7 (3 - 1) / 4 = 0.5
                        q("A", t(40), 99, nan, 101, nan), // Q8 NaN
                        q("A", t(62), 99, 1, 101, -inf)), // Q9 NaN
                row0("A", t(0), SP100, nan),
                row0("A", t(1), SP100, nan).with("ret_1s", 0).with("dt_prev_s", 1),
                row0("A", t(2), SP100, nan).with("ret_1s", 0).with("dt_prev_s", 1),
                row0("A", t(3), SP100, nan).with("ret_1s", 0).with("dt_prev_s", 1),
                row0("A", t(4), SP100, nan).with("ret_1s", 0).with("dt_prev_s", 1),
                row0("A", t(5), SP100, -1).with("ret_1s", 0).with("ret_5s", 0).with("dt_prev_s", 1),
                row0("A", t(6), SP100, 1).with("ret_1s", 0).with("ret_5s", 0).with("dt_prev_s", 1),
                // (1, 31] holds Q2..Q7: 6 quotes, obi of Q5, Q6, Q7
                row0("A", t(31), SP100, 0.5)
                        .with("ret_1s", 0)
                        .with("ret_5s", 0)
                        .with("ret_30s", 0)
                        .with("rv_30s", 0)
                        .with("quote_rate_30s", 6.0 / 30)
                        .with("spread_mean_30s", SP100)
                        .with("obi_mean_30s", mean3)
                        .with("dt_prev_s", 25),
                // (10, 40] holds Q7, Q8
                row0("A", t(40), SP100, nan)
                        .with("ret_1s", 0)
                        .with("ret_5s", 0)
                        .with("ret_30s", 0)
                        .with("rv_30s", 0)
                        .with("quote_rate_30s", 2.0 / 30)
                        .with("spread_mean_30s", SP100)
                        .with("obi_mean_30s", 0.5)
                        .with("dt_prev_s", 9),
                // (32, 62] holds Q8, Q9: no obi -> NaN; (2, 62] holds Q3..Q9
                row0("A", t(62), SP100, nan)
                        .with("ret_1s", 0)
                        .with("ret_5s", 0)
                        .with("ret_30s", 0)
                        .with("ret_60s", 0)
                        .with("rv_30s", 0)
                        .with("rv_60s", 0)
                        .with("quote_rate_30s", 2.0 / 30)
                        .with("quote_rate_60s", 7.0 / 60)
                        .with("spread_mean_30s", SP100)
                        .with("spread_mean_60s", SP100)
                        .with("obi_mean_60s", mean3)
                        .with("dt_prev_s", 22));
    }

    /**
     * Trade features: NaN without any trade in the segment, then rate n / w, volume, and imbalance
     * over BUY and SELL volume only (UNKNOWN side counts in rate and volume), NaN without such
     * volume; an empty window after trades gives 0, 0, NaN.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void tradeFeatures(Impl impl) {
        // all quotes mid 100: returns and rv 0
        check(
                impl,
                List.of(
                        q("A", t(0), 99, 1, 101, 1),
                        tr("A", t(5), 100, 2, Side.BUY), // T1
                        tr("A", t(10), 100, 1, Side.SELL), // T2
                        tr("A", t(20), 100, 4, Side.UNKNOWN), // T3
                        q("A", t(30), 99, 1, 101, 1),
                        tr("A", t(35), 100, 0.5, Side.UNKNOWN), // T4
                        q("A", t(40), 99, 1, 101, 1),
                        q("A", t(60), 99, 1, 101, 1),
                        q("A", t(80), 99, 1, 101, 1),
                        tr("A", t(81), 100, 3, Side.SELL), // T5
                        q("A", t(90), 99, 1, 101, 1)),
                row0("A", t(0), SP100, 0),
                // (0, 30]: T1..T3: 3 trades, volume 7, imbalance (2 - 1) / (2 + 1)
                flat(t(30), 30, 30)
                        .with(30, 1)
                        .with("trade_rate_30s", 3.0 / 30)
                        .with("trade_volume_30s", 7)
                        .with("trade_imbalance_30s", (2.0 - 1.0) / (2.0 + 1.0)),
                // (10, 40]: T3, T4: UNKNOWN only -> imbalance NaN
                flat(t(40), 40, 10)
                        .with(30, 2)
                        .with("trade_rate_30s", 2.0 / 30)
                        .with("trade_volume_30s", 4.5),
                // (30, 60]: T4; (0, 60]: T1..T4
                flat(t(60), 60, 20)
                        .with(30, 2)
                        .with(60, 3)
                        .with("trade_rate_30s", 1.0 / 30)
                        .with("trade_volume_30s", 0.5)
                        .with("trade_rate_60s", 4.0 / 60)
                        .with("trade_volume_60s", 7.5)
                        .with("trade_imbalance_60s", (2.0 - 1.0) / (2.0 + 1.0)),
                // (50, 80]: none -> 0, 0, NaN; (20, 80]: T4 only (T3 at 20 is out)
                flat(t(80), 80, 20)
                        .with(30, 2)
                        .with(60, 4)
                        .with("trade_rate_30s", 0)
                        .with("trade_volume_30s", 0)
                        .with("trade_rate_60s", 1.0 / 60)
                        .with("trade_volume_60s", 0.5),
                // (60, 90]: T5 (sell only) -> -1; (30, 90]: T4, T5 -> (0 - 3) / (0 + 3)
                flat(t(90), 90, 10)
                        .with(30, 2)
                        .with(60, 4)
                        .with("trade_rate_30s", 1.0 / 30)
                        .with("trade_volume_30s", 3)
                        .with("trade_imbalance_30s", -1)
                        .with("trade_rate_60s", 2.0 / 60)
                        .with("trade_volume_60s", 3.5)
                        .with("trade_imbalance_60s", -1));
    }

    /**
     * A row of a constant mid-100 stream (bid 99 / ask 101, sizes 1 / 1) at {@code age} seconds
     * into the segment: returns whose lag is covered are 0.
     */
    private static Flat flat(long time, int age, double dtPrev) {
        return new Flat("A", time, age, dtPrev);
    }

    private static final class Flat extends Expect {
        Flat(String product, long time, int age, double dtPrev) {
            super(product, time);
            with("spread_bps", SP100).with("obi", 0.0).with("dt_prev_s", dtPrev);
            for (int k : new int[] {1, 5, 30, 60}) {
                if (age >= k) {
                    with("ret_" + k + "s", 0);
                }
            }
        }

        @Override
        Flat with(String name, double value) {
            super.with(name, value);
            return this;
        }

        /** Window w covered, holding {@code quotes} quotes of the flat stream. */
        Flat with(int w, int quotes) {
            return with("rv_" + w + "s", 0)
                    .with("quote_rate_" + w + "s", (double) quotes / w)
                    .with("spread_mean_" + w + "s", SP100)
                    .with("obi_mean_" + w + "s", 0);
        }
    }

    /** Invalid trades are counted and change nothing: not the clamp, not the "seen a trade". */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void invalidTradesAreCountedAndChangeNothing(Impl impl) {
        double nan = Double.NaN;
        double inf = Double.POSITIVE_INFINITY;
        long ahead = t(100);
        Runner r =
                check(
                        impl,
                        List.of(
                                q("A", t(0), 99, 1, 101, 1),
                                tr("A", ahead, nan, 1, Side.BUY),
                                tr("A", ahead, 0, 1, Side.BUY),
                                tr("A", ahead, -100, 1, Side.SELL),
                                tr("A", ahead, inf, 1, Side.SELL),
                                tr("A", ahead, 100, nan, Side.BUY),
                                tr("A", ahead, 100, 0, Side.UNKNOWN),
                                tr("A", ahead, 100, -1, Side.BUY),
                                tr("A", ahead, 100, inf, Side.SELL),
                                tr("A", ahead, -inf, 1, Side.SELL),
                                q("A", t(30), 99, 1, 101, 1)),
                        row0("A", t(0), SP100, 0),
                        flat(t(30), 30, 30).with(30, 1));
        assertThat(r.rejected()).containsEntry("invalid_trade", 9L);
        assertThat(total(r.rejected())).isEqualTo(9L);
    }

    /** Trades before a product's first quote are dropped; the segment has seen no trade. */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void tradesBeforeTheFirstQuoteAreDropped(Impl impl) {
        check(
                impl,
                List.of(
                        tr("A", t(1), 100, 1, Side.BUY),
                        tr("A", t(2), 100, 1, Side.SELL),
                        q("A", t(2), 99, 1, 101, 1),
                        q("A", t(32), 99, 1, 101, 1)),
                row0("A", t(2), SP100, 0),
                flat(t(32), 30, 30).with(30, 1));
    }

    /**
     * Interpretation: the clamp runs over all events of the product, so a valid trade before the
     * first quote (dropped from the features) still sets the previous time; an invalid one does
     * not.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void aDroppedTradeBeforeTheFirstQuoteStillAdvancesTheClamp(Impl impl) {
        check(
                impl,
                List.of(
                        tr("A", t(10), 100, 1, Side.BUY),
                        q("A", t(5), 99, 1, 101, 1), // clamped to 10
                        tr("B", t(10), 100, 0, Side.BUY), // invalid
                        q("B", t(5), 99, 1, 101, 1)), // stays at 5
                row0("A", t(10), SP100, 0),
                row0("B", t(5), SP100, 0));
    }

    /**
     * A trade after a silence of more than 60 s goes into the old segment, which the next quote
     * resets: the new segment has seen no trade (A). A trade after that quote does count (B).
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void tradeAfterALongSilenceIsResetWithTheOldSegment(Impl impl) {
        check(
                impl,
                List.of(
                        q("A", t(0), 99, 1, 101, 1),
                        q("B", t(0), 99, 1, 101, 1),
                        tr("A", t(70), 100, 1, Side.BUY),
                        tr("B", t(70), 100, 1, Side.BUY),
                        q("A", t(70), 99, 1, 101, 1), // new segment
                        q("B", t(70), 99, 1, 101, 1), // new segment
                        tr("B", t(70), 100, 2, Side.SELL), // in B's new segment, at its start
                        q("A", t(100), 99, 1, 101, 1),
                        q("B", t(100), 99, 1, 101, 1)),
                row0("A", t(0), SP100, 0),
                row0("B", t(0), SP100, 0),
                row0("A", t(70), SP100, 0),
                row0("B", t(70), SP100, 0),
                // (70, 100] holds only the quote at 100
                flat(t(100), 30, 30).with(30, 1),
                // B has seen the SELL at 70, which is outside (70, 100]: 0, 0, NaN
                new Flat("B", t(100), 30, 30)
                        .with(30, 1)
                        .with("trade_rate_30s", 0)
                        .with("trade_volume_30s", 0));
    }

    /** Unknown times take the product's previous time; a first quote without any is rejected. */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void unknownTimes(Impl impl) {
        Runner r =
                check(
                        impl,
                        List.of(
                                q("X", UNKNOWN, 99, 1, 101, 1), // missing_time
                                book("X", UNKNOWN), // nothing to take
                                q("X", t(5), 99, 1, 101, 1),
                                q("X", UNKNOWN, 100, 1, 102, 1), // at 5
                                tr("X", UNKNOWN, 100, 1, Side.BUY), // at 5
                                book("Y", t(7)),
                                q("Y", UNKNOWN, 99, 1, 101, 1), // takes the book update's 7
                                q("X", t(35), 100, 1, 102, 1)),
                        row0("X", t(5), SP100, 0),
                        row0("X", t(5), SP101, 0).with("dt_prev_s", 0),
                        row0("Y", t(7), SP100, 0),
                        // (5, 35] holds this quote only (the one at 5 is out), r = ln(101/101);
                        // the trade at 5 is out of the window too, but the segment has seen it
                        row0("X", t(35), SP101, 0)
                                .with("ret_1s", 0)
                                .with("ret_5s", 0)
                                .with("ret_30s", 0)
                                .with("rv_30s", 0)
                                .with("quote_rate_30s", 1.0 / 30)
                                .with("spread_mean_30s", SP101)
                                .with("obi_mean_30s", 0)
                                .with("trade_rate_30s", 0)
                                .with("trade_volume_30s", 0)
                                .with("dt_prev_s", 30));
        assertThat(r.rejected()).containsEntry("missing_time", 1L);
        assertThat(total(r.rejected())).isEqualTo(1L);
    }

    /**
     * Two products interleaved: independent clamps, segments, windows and trades; rows in arrival
     * order. B's times are earlier than A's previous ones and are not clamped.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void twoInterleavedProducts(Impl impl) {
        double spB10 = 1e4 * 2 / 10.0; // bid 9 / ask 11
        double spB11 = 1e4 * 2 / 11.0; // bid 10 / ask 12
        double rB1 = ln(11.0 / 10.0);
        double rB2 = ln(10.0 / 11.0);
        check(
                impl,
                List.of(
                        q("A", t(0), 99, 1, 101, 1), // A0 mid 100
                        q("B", t(0), 9, 2, 11, 2), // B0 mid 10
                        tr("B", t(15), 10, 1, Side.BUY),
                        q("A", t(50), 100, 1, 102, 1), // A1 mid 101
                        q("B", t(30), 10, 2, 12, 2), // B1 mid 11: not clamped to A's 50
                        q("A", t(120), 99, 1, 101, 1), // A2: 70 s gap, new segment
                        q("B", t(70), 9, 2, 11, 2)), // B2 mid 10: 40 s gap, same segment
                row0("A", t(0), SP100, 0),
                row0("B", t(0), spB10, 0),
                // (20, 50] holds A1; A has no trades
                row0("A", t(50), SP101, 0)
                        .with("ret_1s", ln(101.0 / 100.0))
                        .with("ret_5s", ln(101.0 / 100.0))
                        .with("ret_30s", ln(101.0 / 100.0))
                        .with("rv_30s", rv(ln(101.0 / 100.0)))
                        .with("quote_rate_30s", 1.0 / 30)
                        .with("spread_mean_30s", SP101)
                        .with("obi_mean_30s", 0)
                        .with("dt_prev_s", 50),
                // (0, 30] holds B1 and the BUY at 15
                row0("B", t(30), spB11, 0)
                        .with("ret_1s", rB1)
                        .with("ret_5s", rB1)
                        .with("ret_30s", rB1)
                        .with("rv_30s", rv(rB1))
                        .with("quote_rate_30s", 1.0 / 30)
                        .with("spread_mean_30s", spB11)
                        .with("obi_mean_30s", 0)
                        .with("trade_rate_30s", 1.0 / 30)
                        .with("trade_volume_30s", 1)
                        .with("trade_imbalance_30s", 1)
                        .with("dt_prev_s", 30),
                row0("A", t(120), SP100, 0),
                // ret_1s/5s/30s: last <= 69, 65, 40 is B1 (mid 11); ret_60s: last <= 10 is B0
                // (40, 70] holds B2; (10, 70] holds B1, B2 and the BUY at 15
                row0("B", t(70), spB10, 0)
                        .with("ret_1s", rB2)
                        .with("ret_5s", rB2)
                        .with("ret_30s", rB2)
                        .with("ret_60s", 0)
                        .with("rv_30s", rv(rB2))
                        .with("rv_60s", rv(rB1, rB2))
                        .with("quote_rate_30s", 1.0 / 30)
                        .with("quote_rate_60s", 2.0 / 60)
                        .with("spread_mean_30s", spB10)
                        .with("spread_mean_60s", (spB11 + spB10) / 2)
                        .with("obi_mean_30s", 0)
                        .with("obi_mean_60s", 0)
                        .with("trade_rate_30s", 0)
                        .with("trade_volume_30s", 0)
                        .with("trade_rate_60s", 1.0 / 60)
                        .with("trade_volume_60s", 1)
                        .with("trade_imbalance_60s", 1)
                        .with("dt_prev_s", 40));
    }

    /**
     * The 300 s window, reached with quotes every 50 s: rv over the returns of the last 300 s and
     * the segment's first quote out of every covered window.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void threeHundredSecondWindow(Impl impl) {
        // mids 100, 101, 102, 101, 100, 101, 102 at 0, 50, ..., 300
        double[] mids = {100, 101, 102, 101, 100, 101, 102};
        List<MarketEvent> events = new ArrayList<>();
        for (int i = 0; i < mids.length; i++) {
            events.add(q("A", t(50L * i), mids[i] - 1, 1, mids[i] + 1, 1));
        }
        events.add(tr("A", t(300), 101, 0.25, Side.BUY));
        events.add(q("A", t(300), 101, 1, 103, 1)); // repeat of mid 102: r = 0
        List<Row> rows = impl.run(events);
        assertThat(rows).hasSize(8);
        double[] r = new double[mids.length];
        for (int i = 1; i < mids.length; i++) {
            r[i] = ln(mids[i] / mids[i - 1]);
        }
        double[] sp = new double[mids.length];
        for (int i = 0; i < mids.length; i++) {
            sp[i] = 1e4 * 2 / mids[i];
        }
        // last row at 300: (0, 300] holds the quotes at 50..300 (6 plus the repeat), (240, 300]
        // the ones at 250 and 300 (and the repeat), (270, 300] the two at 300
        Expect last =
                row0("A", t(300), SP102, 0)
                        .with("ret_1s", ln(102.0 / 101.0)) // last <= 299 is the quote at 250
                        .with("ret_5s", ln(102.0 / 101.0))
                        .with("ret_30s", ln(102.0 / 101.0))
                        .with("ret_60s", ln(102.0 / 100.0)) // last <= 240 is the one at 200
                        .with("rv_30s", rv(r[6], 0))
                        .with("rv_60s", rv(r[5], r[6], 0))
                        .with("rv_300s", rv(r[1], r[2], r[3], r[4], r[5], r[6], 0))
                        .with("quote_rate_30s", 2.0 / 30)
                        .with("quote_rate_60s", 3.0 / 60)
                        .with("quote_rate_300s", 7.0 / 300)
                        .with("spread_mean_30s", SP102)
                        .with("spread_mean_60s", (sp[5] + sp[6] + SP102) / 3)
                        .with(
                                "spread_mean_300s",
                                (sp[1] + sp[2] + sp[3] + sp[4] + sp[5] + sp[6] + SP102) / 7)
                        .with("obi_mean_30s", 0)
                        .with("obi_mean_60s", 0)
                        .with("obi_mean_300s", 0)
                        .with("trade_rate_30s", 1.0 / 30)
                        .with("trade_rate_60s", 1.0 / 60)
                        .with("trade_rate_300s", 1.0 / 300)
                        .with("trade_volume_30s", 0.25)
                        .with("trade_volume_60s", 0.25)
                        .with("trade_volume_300s", 0.25)
                        .with("trade_imbalance_30s", 1)
                        .with("trade_imbalance_60s", 1)
                        .with("trade_imbalance_300s", 1)
                        .with("dt_prev_s", 0);
        assertRows(rows.subList(7, 8), last);
        // the row at 300 before the trade: rv_300s already covered, trades NaN
        Row before = rows.get(6);
        double rv300 = rv(r[1], r[2], r[3], r[4], r[5], r[6]);
        assertThat(before.get("rv_300s")).isCloseTo(rv300, relative(rv300));
        assertThat(before.get("trade_rate_300s")).isNaN();
        assertThat(before.get("dt_prev_s")).isEqualTo(50.0);
        // the row at 250 (segment 250 s old): rv_300s NaN, rv_60s over (190, 250]: r at 200, 250
        Row at250 = rows.get(5);
        assertThat(at250.get("rv_300s")).isNaN();
        assertThat(at250.get("rv_60s")).isCloseTo(rv(r[4], r[5]), relative(rv(r[4], r[5])));
    }

    private static org.assertj.core.data.Offset<Double> relative(double v) {
        return org.assertj.core.data.Offset.offset(Math.abs(v) * REL);
    }

    /**
     * When the last move, the last non-zero obi and the last trade leave the window, rv, obi_mean
     * and trade_volume are exactly 0 again (no residue of running sums).
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void sumsReturnToExactZeroWhenTheirTermsLeaveTheWindow(Impl impl) {
        List<MarketEvent> events = new ArrayList<>();
        events.add(q("A", t(0), 99, 3, 101, 1)); // mid 100, obi 0.5
        events.add(q("A", t(1), 100, 1, 102, 4)); // mid 101, obi -3/5
        events.add(tr("A", t(1), 101, 0.1, Side.BUY));
        events.add(q("A", t(2), 99.5, 2, 101.5, 3)); // mid 100.5, obi -1/5
        events.add(tr("A", t(2), 100.5, 0.2, Side.SELL));
        events.add(q("A", t(3), 99.25, 0.7, 101.25, 0.3)); // mid 100.25, obi 0.4 / 1.0
        events.add(tr("A", t(3), 100.25, 0.7, Side.BUY));
        for (int s = 4; s <= 40; s++) {
            events.add(q("A", t(s), 99.75, 1, 101.75, 1)); // mid 100.75, obi 0
        }
        List<Row> rows = impl.run(events);
        assertThat(rows).hasSize(41);
        double r1 = ln(101 / 100.0);
        double r2 = ln(100.5 / 101);
        double r3 = ln(100.25 / 100.5);
        double r4 = ln(100.75 / 100.25);
        double o1 = (1 - 4) / 5.0;
        double o2 = (2 - 3) / 5.0;
        double o3 = (0.7 - 0.3) / (0.7 + 0.3);
        double[][] expected = { // t: rv_30s, obi_mean_30s, trade_volume_30s, trade_rate_30s
            {30, rv(r1, r2, r3, r4), (o1 + o2 + o3) / 30, 0.1 + 0.2 + 0.7, 3.0 / 30},
            {31, rv(r2, r3, r4), (o2 + o3) / 30, 0.2 + 0.7, 2.0 / 30},
            {32, rv(r3, r4), o3 / 30, 0.7, 1.0 / 30},
            {33, rv(r4), 0, 0, 0},
            {34, 0, 0, 0, 0},
            {35, 0, 0, 0, 0},
            {40, 0, 0, 0, 0},
        };
        StringBuilder problems = new StringBuilder();
        for (double[] e : expected) {
            Row row = rows.get((int) e[0]);
            assertThat(row.time()).isEqualTo(t((long) e[0]));
            String[] names = {"rv_30s", "obi_mean_30s", "trade_volume_30s", "trade_rate_30s"};
            for (int i = 0; i < names.length; i++) {
                if (!FeatureTestSupport.close(row.get(names[i]), e[i + 1], REL, 0)) {
                    problems.append(
                            String.format(
                                    "t=%.0f %s: got %s, expected %s%n",
                                    e[0], names[i], row.get(names[i]), e[i + 1]));
                }
            }
        }
        assertThat(problems.toString()).isEmpty();
        // buy 0.1 + 0.7 against sell 0.2 at t = 30; none from t = 33 on
        assertThat(rows.get(30).get("trade_imbalance_30s"))
                .isCloseTo(((0.1 + 0.7) - 0.2) / ((0.1 + 0.7) + 0.2), relative(0.6 / (0.8 + 0.2)));
        assertThat(rows.get(33).get("trade_imbalance_30s")).isNaN();
    }

    /** The engine reuses its value array, so the sink must copy; values of one row stay put. */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void rowsCarryTheFullContractWidth(Impl impl) {
        List<Row> rows =
                impl.run(List.of(q("A", t(0), 99, 1, 101, 1), q("A", t(1), 100, 1, 102, 1)));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).values()).hasSize(FeatureContract.SIZE);
        assertThat(Arrays.stream(rows.get(0).values()).filter(Double::isNaN).count())
                .isEqualTo(FeatureContract.SIZE - 2);
    }
}

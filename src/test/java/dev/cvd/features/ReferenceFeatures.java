package dev.cvd.features;

import dev.cvd.market.BookUpdate;
import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import dev.cvd.market.Side;
import dev.cvd.market.Trade;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deliberately naive reference implementation of feature contract v1, written from the contract
 * text alone, to check {@link FeatureEngine} against. Clarity over speed: it keeps every quote and
 * trade of the current segment in lists and rescans them for every row, summing windows in time
 * order.
 *
 * <p>Interpretations applied (see the feature contract in the design document):
 *
 * <ul>
 *   <li>Times are integer microseconds; a window is {@code (t - w, t]} exactly.
 *   <li>Monotone clamp per product across all event types: an event earlier than the product's
 *       previous event takes the previous time; an event with an unknown time takes the previous
 *       time. A rejected event changes nothing, not even the clamp. Valid trades and book updates
 *       advance the clamp even before the product's first quote.
 *   <li>A segment starts at a product's first valid quote and at a quote more than 60 s after the
 *       previous quote. At a segment start all window state is dropped, including trades received
 *       before that quote.
 *   <li>Coverage: windowed and lagged features are NaN while {@code t - segmentStart < w}.
 * </ul>
 */
final class ReferenceFeatures {

    static final String INVALID_QUOTE = "invalid_quote";
    static final String INVALID_TRADE = "invalid_trade";
    static final String MISSING_TIME = "missing_time";

    private static final long MICROS = 1_000_000L;
    private static final long GAP_MICROS = 60L * MICROS;
    private static final int[] LAGS_S = {1, 5, 30, 60};
    private static final int[] WINDOWS_S = {30, 60, 300};

    /** One valid quote of the current segment. */
    private record Q(long t, double mid, double spreadBps, double obi, double r) {}

    /** One valid trade received while a segment was open. */
    private record T(long t, double size, Side side) {}

    private static final class Product {
        boolean hasTime; // some accepted event has set lastTime
        long lastTime; // clamp: time of the product's previous accepted event
        boolean hasQuote; // a segment is open
        long segmentStart;
        final List<Q> quotes = new ArrayList<>(); // the current segment's quotes, arrival order
        final List<T> trades = new ArrayList<>(); // the current segment's trades, arrival order
    }

    private final Map<String, Product> products = new HashMap<>();
    private final Map<String, Long> rejected = new TreeMap<>();
    private final double[] lastScales = new double[FeatureContract.SIZE];

    void accept(MarketEvent e, FeatureRowSink sink) {
        if (e instanceof Quote q) {
            onQuote(q.productId(), q.timeMicros(), q.bid(), q.bidQty(), q.ask(), q.askQty(), sink);
        } else if (e instanceof Trade tr) {
            onTrade(tr.productId(), tr.timeMicros(), tr.price(), tr.size(), tr.side());
        } else if (e instanceof BookUpdate b) {
            onBookUpdate(b.productId(), b.timeMicros());
        } else {
            throw new IllegalArgumentException("unknown event " + e);
        }
    }

    Map<String, Long> rejectedByReason() {
        return new TreeMap<>(rejected);
    }

    private void reject(String reason) {
        rejected.merge(reason, 1L, Long::sum);
    }

    private Product product(String id) {
        return products.computeIfAbsent(id, k -> new Product());
    }

    private static boolean validPrice(double p) {
        return Double.isFinite(p) && p > 0;
    }

    /** The clamped time of an event, or {@link EventTime#UNKNOWN} if it has none. */
    private static long clamp(Product p, long time) {
        if (time == EventTime.UNKNOWN) {
            return p.hasTime ? p.lastTime : EventTime.UNKNOWN;
        }
        if (p.hasTime && time < p.lastTime) {
            return p.lastTime;
        }
        return time;
    }

    void onBookUpdate(String productId, long timeMicros) {
        Product p = product(productId);
        long t = clamp(p, timeMicros);
        if (t != EventTime.UNKNOWN) {
            p.hasTime = true;
            p.lastTime = t;
        }
    }

    void onTrade(String productId, long timeMicros, double price, double size, Side side) {
        if (!validPrice(price) || !validPrice(size)) {
            reject(INVALID_TRADE);
            return;
        }
        Product p = product(productId);
        long t = clamp(p, timeMicros);
        if (t == EventTime.UNKNOWN) {
            return; // no time and nothing before it: there is no segment to put it in either
        }
        p.hasTime = true;
        p.lastTime = t;
        if (p.hasQuote) {
            p.trades.add(new T(t, size, side));
        }
        // before the product's first quote: dropped
    }

    void onQuote(
            String productId,
            long timeMicros,
            double bid,
            double bidQty,
            double ask,
            double askQty,
            FeatureRowSink sink) {
        if (!validPrice(bid) || !validPrice(ask) || bid > ask) {
            reject(INVALID_QUOTE);
            return;
        }
        Product p = products.get(productId);
        if (timeMicros == EventTime.UNKNOWN && (p == null || !p.hasTime)) {
            reject(MISSING_TIME);
            return;
        }
        p = product(productId);
        long t = clamp(p, timeMicros);
        p.hasTime = true;
        p.lastTime = t;

        boolean newSegment = !p.hasQuote || t - p.quotes.get(p.quotes.size() - 1).t() > GAP_MICROS;
        if (newSegment) {
            p.hasQuote = true;
            p.segmentStart = t;
            p.quotes.clear();
            p.trades.clear();
        }

        double mid = (bid + ask) / 2;
        double spreadBps = 1e4 * (ask - bid) / mid;
        double obi = obi(bidQty, askQty);
        Q prev = p.quotes.isEmpty() ? null : p.quotes.get(p.quotes.size() - 1);
        double r = prev == null ? Double.NaN : Math.log(mid / prev.mid());
        p.quotes.add(new Q(t, mid, spreadBps, obi, r));

        double[] values = row(p, t, mid, spreadBps, obi, prev, lastScales);
        sink.accept(productId, t, values);
    }

    static double obi(double bidQty, double askQty) {
        if (!Double.isFinite(bidQty) || !Double.isFinite(askQty) || bidQty < 0 || askQty < 0) {
            return Double.NaN;
        }
        double sum = bidQty + askQty;
        if (sum == 0) {
            return Double.NaN;
        }
        return (bidQty - askQty) / sum;
    }

    private static boolean covered(Product p, long t, int seconds) {
        return t - p.segmentStart >= seconds * MICROS;
    }

    private static boolean inWindow(long tj, long t, int w) {
        return tj > t - w * MICROS && tj <= t;
    }

    private static double[] row(
            Product p, long t, double mid, double spreadBps, double obi, Q prev, double[] scales) {
        double[] v = new double[FeatureContract.SIZE];
        Arrays.fill(v, Double.NaN);
        Arrays.fill(scales, 0);

        // ret_k: ln(mid_t / mid_j), j = last quote of the segment with t_j <= t - k
        for (int i = 0; i < LAGS_S.length; i++) {
            int k = LAGS_S[i];
            if (!covered(p, t, k)) {
                continue;
            }
            Q j = null;
            for (Q q : p.quotes) {
                if (q.t() <= t - k * MICROS) {
                    j = q; // keeps the last one in arrival order
                }
            }
            v[FeatureContract.indexOf("ret_" + k + "s")] = Math.log(mid / j.mid());
        }

        boolean segmentSawTrade = !p.trades.isEmpty();
        for (int w : WINDOWS_S) {
            if (!covered(p, t, w)) {
                continue;
            }
            double sumR2 = 0;
            int quotes = 0;
            double sumSpread = 0;
            double sumObi = 0;
            double sumAbsObi = 0;
            int obiCount = 0;
            for (Q q : p.quotes) { // time order
                if (!inWindow(q.t(), t, w)) {
                    continue;
                }
                quotes++;
                if (!Double.isNaN(q.r())) {
                    sumR2 += q.r() * q.r();
                }
                sumSpread += q.spreadBps();
                if (!Double.isNaN(q.obi())) {
                    sumObi += q.obi();
                    sumAbsObi += Math.abs(q.obi());
                    obiCount++;
                }
            }
            v[FeatureContract.indexOf("rv_" + w + "s")] = Math.sqrt(sumR2);
            v[FeatureContract.indexOf("quote_rate_" + w + "s")] = (double) quotes / w;
            v[FeatureContract.indexOf("spread_mean_" + w + "s")] = sumSpread / quotes;
            v[FeatureContract.indexOf("obi_mean_" + w + "s")] =
                    obiCount == 0 ? Double.NaN : sumObi / obiCount;
            if (obiCount > 0) {
                scales[FeatureContract.indexOf("obi_mean_" + w + "s")] = sumAbsObi / obiCount;
            }

            if (segmentSawTrade) {
                int trades = 0;
                double volume = 0;
                double buy = 0;
                double sell = 0;
                for (T tr : p.trades) { // time order
                    if (!inWindow(tr.t(), t, w)) {
                        continue;
                    }
                    trades++;
                    volume += tr.size();
                    if (tr.side() == Side.BUY) {
                        buy += tr.size();
                    } else if (tr.side() == Side.SELL) {
                        sell += tr.size();
                    }
                }
                v[FeatureContract.indexOf("trade_rate_" + w + "s")] = (double) trades / w;
                v[FeatureContract.indexOf("trade_volume_" + w + "s")] = volume;
                v[FeatureContract.indexOf("trade_imbalance_" + w + "s")] =
                        buy + sell == 0 ? Double.NaN : (buy - sell) / (buy + sell);
                scales[FeatureContract.indexOf("trade_imbalance_" + w + "s")] = 1;
            }
        }

        v[FeatureContract.indexOf("spread_bps")] = spreadBps;
        v[FeatureContract.indexOf("obi")] = obi;
        v[FeatureContract.indexOf("dt_prev_s")] = prev == null ? Double.NaN : (t - prev.t()) / 1e6;
        return v;
    }

    /**
     * The magnitude scales of the last row emitted, one per column, for checking features that are
     * signed sums and can cancel to (near) zero, where no summation order gives a small error
     * relative to the result: for {@code obi_mean_w} the mean |obi| over the window, for {@code
     * trade_imbalance_w} 1 (it is a ratio of sums of non-negative sizes, so its error is bounded by
     * the relative error of those sums); 0 for every other column (plain relative error). A checker
     * may then accept {@code |engine - reference| <= tol * max(|reference|, scale)}.
     */
    double[] lastScales() {
        return lastScales.clone();
    }
}

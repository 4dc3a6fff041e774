package dev.cvd.features;

import static dev.cvd.features.FeatureContract.DT_PREV;
import static dev.cvd.features.FeatureContract.OBI;
import static dev.cvd.features.FeatureContract.OBI_MEAN;
import static dev.cvd.features.FeatureContract.QUOTE_RATE;
import static dev.cvd.features.FeatureContract.RET;
import static dev.cvd.features.FeatureContract.RETURN_LAGS_S;
import static dev.cvd.features.FeatureContract.RV;
import static dev.cvd.features.FeatureContract.SEGMENT_GAP_MICROS;
import static dev.cvd.features.FeatureContract.SPREAD_BPS;
import static dev.cvd.features.FeatureContract.SPREAD_MEAN;
import static dev.cvd.features.FeatureContract.TRADE_IMBALANCE;
import static dev.cvd.features.FeatureContract.TRADE_RATE;
import static dev.cvd.features.FeatureContract.TRADE_VOLUME;
import static dev.cvd.features.FeatureContract.WINDOWS_S;

import dev.cvd.market.BookUpdate;
import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import dev.cvd.market.SegmentBreak;
import dev.cvd.market.Side;
import dev.cvd.market.Trade;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Computes feature contract v1, one row per valid quote, from market events in arrival order.
 *
 * <p>State is kept per product. Each event costs O(1) amortized time: windows are ring buffers with
 * exact two-stack sums ({@link SlidingWindows}), return lags are pointers that only move forward,
 * and nothing is rescanned. The steady state allocates nothing; memory per product is proportional
 * to the number of events in the longest window (300 s).
 *
 * <p>Interpretation of the contract where its text leaves room:
 *
 * <ul>
 *   <li>The monotone clamp runs over all of a product's events (quotes, trades, book updates). An
 *       event without a time takes the product's previous time; a quote without one and with no
 *       previous time is rejected ({@code missing_time}).
 *   <li>A rejected event (invalid quote or trade) changes no state, the clamp included.
 *   <li>A segment start resets every window, so trades received before the segment's first quote
 *       are dropped.
 *   <li>A trade whose taker side is unknown counts in trade rate and volume, not in the imbalance.
 *   <li>A size that is NaN, infinite or negative is missing for {@code obi}.
 * </ul>
 *
 * <p>Not thread-safe: one engine belongs to one consumer thread.
 */
public final class FeatureEngine {

    /** Reason code of a quote with a missing, non-positive, non-finite or crossed price. */
    public static final String INVALID_QUOTE = "invalid_quote";

    /** Reason code of a trade with a non-finite or non-positive price or size. */
    public static final String INVALID_TRADE = "invalid_trade";

    /** Reason code of a product's first quote when it carries no time. */
    public static final String MISSING_TIME = "missing_time";

    private static final int WINDOW_COUNT = WINDOWS_S.length;
    private static final long[] WINDOW_MICROS = new long[WINDOW_COUNT];
    private static final long[] LAG_MICROS = new long[RETURN_LAGS_S.length];

    static {
        for (int i = 0; i < WINDOW_COUNT; i++) {
            WINDOW_MICROS[i] = WINDOWS_S[i] * EventTime.MICROS_PER_SECOND;
        }
        for (int i = 0; i < RETURN_LAGS_S.length; i++) {
            LAG_MICROS[i] = RETURN_LAGS_S[i] * EventTime.MICROS_PER_SECOND;
        }
    }

    // Summed quantities of a quote.
    private static final int Q_R2 = 0;
    private static final int Q_SPREAD = 1;
    private static final int Q_OBI_POS = 2;
    private static final int Q_OBI_NEG = 3;
    private static final int Q_OBI_N = 4;
    private static final int QUOTE_QUANTITIES = 5;

    // Summed quantities of a trade.
    private static final int T_SIZE = 0;
    private static final int T_BUY = 1;
    private static final int T_SELL = 2;
    private static final int TRADE_QUANTITIES = 3;

    private final Map<String, ProductState> products = new HashMap<>();
    private final double[] row = new double[FeatureContract.SIZE];
    private final double[] scratch = new double[QUOTE_QUANTITIES];

    private String lastProductId;
    private ProductState lastProduct;

    private double rowMid = Double.NaN;

    private long invalidQuotes;
    private long invalidTrades;
    private long missingTimes;
    private long rejections;
    private String lastRejection;

    /**
     * The mid price {@code (bid + ask) / 2} of the quote whose row is being (or was last) emitted.
     * Not a feature: labels are computed from it ({@code ForwardVolatilityLabeler}). Read it inside
     * the sink callback.
     */
    public double rowMid() {
        return rowMid;
    }

    /**
     * Dispatches one event to {@link #onQuote}, {@link #onTrade}, {@link #onBookUpdate} or {@link
     * #breakSegment}.
     */
    public void accept(MarketEvent event, FeatureRowSink sink) {
        if (event instanceof Quote q) {
            onQuote(q.productId(), q.timeMicros(), q.bid(), q.bidQty(), q.ask(), q.askQty(), sink);
        } else if (event instanceof Trade t) {
            onTrade(t.productId(), t.timeMicros(), t.price(), t.size(), t.side());
        } else if (event instanceof BookUpdate b) {
            onBookUpdate(b.productId(), b.timeMicros());
        } else if (event instanceof SegmentBreak s) {
            breakSegment(s.productId());
        }
    }

    /**
     * Ends the product's current segment: events were lost (a {@link SegmentBreak}), so the next
     * valid quote starts a new segment, as after a gap longer than G, whatever its time. The clamp
     * state is kept; a product without state is left alone.
     */
    public void breakSegment(String productId) {
        ProductState p = products.get(productId);
        if (p != null) {
            p.inSegment = false;
        }
    }

    /**
     * Processes a quote and, when it is valid, emits its feature row to the sink.
     *
     * @param timeMicros event time in UTC microseconds, or {@link EventTime#UNKNOWN}
     * @param bidQty size at the bid, NaN when unknown
     * @param askQty size at the ask, NaN when unknown
     */
    public void onQuote(
            String productId,
            long timeMicros,
            double bid,
            double bidQty,
            double ask,
            double askQty,
            FeatureRowSink sink) {
        // Written so that NaN fails every test.
        if (!(bid > 0 && ask > 0 && bid <= ask && ask < Double.POSITIVE_INFINITY)) {
            invalidQuotes++;
            rejected(INVALID_QUOTE);
            return;
        }
        ProductState p = state(productId);
        if (timeMicros == EventTime.UNKNOWN && p.lastTime == EventTime.UNKNOWN) {
            missingTimes++;
            rejected(MISSING_TIME);
            return;
        }
        long t = p.clamp(timeMicros);
        double mid = (bid + ask) / 2;
        rowMid = mid;

        boolean segmentStart = !p.inSegment || t - p.prevQuoteTime > SEGMENT_GAP_MICROS;
        double r2 = 0.0;
        double dtPrev = Double.NaN;
        if (segmentStart) {
            p.startSegment(t);
        } else {
            double r = Math.log(mid / p.prevMid);
            r2 = r * r;
            dtPrev = (t - p.prevQuoteTime) / (double) EventTime.MICROS_PER_SECOND;
        }

        double spreadBps = 1e4 * (ask - bid) / mid;
        double obi = orderBookImbalance(bidQty, askQty);
        scratch[Q_R2] = r2;
        scratch[Q_SPREAD] = spreadBps;
        boolean hasObi = !Double.isNaN(obi);
        scratch[Q_OBI_POS] = hasObi && obi > 0 ? obi : 0.0;
        scratch[Q_OBI_NEG] = hasObi && obi < 0 ? -obi : 0.0;
        scratch[Q_OBI_N] = hasObi ? 1.0 : 0.0;

        SlidingWindows quotes = p.quotes;
        quotes.push(t, scratch, mid);
        quotes.evict(t);
        p.trades.evict(t);
        p.prevQuoteTime = t;
        p.prevMid = mid;

        long age = t - p.segmentStart;
        double[] out = row;
        for (int k = 0; k < LAG_MICROS.length; k++) {
            long lag = LAG_MICROS[k];
            long target = t - lag;
            long j = p.lagIndex[k];
            while (j + 1 < quotes.tail() && quotes.time(j + 1) <= target) {
                j++;
            }
            p.lagIndex[k] = j;
            out[RET + k] = age >= lag ? Math.log(mid / quotes.aux(j)) : Double.NaN;
        }
        SlidingWindows trades = p.trades;
        for (int w = 0; w < WINDOW_COUNT; w++) {
            boolean covered = age >= WINDOW_MICROS[w];
            double seconds = WINDOWS_S[w];
            if (!covered) {
                out[RV + w] = Double.NaN;
                out[QUOTE_RATE + w] = Double.NaN;
                out[SPREAD_MEAN + w] = Double.NaN;
                out[OBI_MEAN + w] = Double.NaN;
                out[TRADE_RATE + w] = Double.NaN;
                out[TRADE_VOLUME + w] = Double.NaN;
                out[TRADE_IMBALANCE + w] = Double.NaN;
                continue;
            }
            long n = quotes.count(w);
            out[RV + w] = Math.sqrt(quotes.sum(w, Q_R2));
            out[QUOTE_RATE + w] = n / seconds;
            out[SPREAD_MEAN + w] = quotes.sum(w, Q_SPREAD) / n;
            double obiN = quotes.sum(w, Q_OBI_N);
            out[OBI_MEAN + w] =
                    obiN > 0
                            ? (quotes.sum(w, Q_OBI_POS) - quotes.sum(w, Q_OBI_NEG)) / obiN
                            : Double.NaN;
            if (p.segmentHasTrade) {
                double buy = trades.sum(w, T_BUY);
                double sell = trades.sum(w, T_SELL);
                out[TRADE_RATE + w] = trades.count(w) / seconds;
                out[TRADE_VOLUME + w] = trades.sum(w, T_SIZE);
                out[TRADE_IMBALANCE + w] =
                        buy + sell > 0 ? (buy - sell) / (buy + sell) : Double.NaN;
            } else {
                out[TRADE_RATE + w] = Double.NaN;
                out[TRADE_VOLUME + w] = Double.NaN;
                out[TRADE_IMBALANCE + w] = Double.NaN;
            }
        }
        out[SPREAD_BPS] = spreadBps;
        out[OBI] = obi;
        out[DT_PREV] = dtPrev;
        sink.accept(productId, t, out);
    }

    /**
     * Processes a trade: it enters the trade windows of the product's current segment.
     *
     * @param side the taker's side
     */
    public void onTrade(String productId, long timeMicros, double price, double size, Side side) {
        if (!(price > 0
                && price < Double.POSITIVE_INFINITY
                && size > 0
                && size < Double.POSITIVE_INFINITY)) {
            invalidTrades++;
            rejected(INVALID_TRADE);
            return;
        }
        ProductState p = state(productId);
        if (timeMicros == EventTime.UNKNOWN && p.lastTime == EventTime.UNKNOWN) {
            return; // nothing to place it against, and no segment to count it in
        }
        long t = p.clamp(timeMicros);
        if (!p.inSegment) {
            return; // before the product's first quote: no segment holds it
        }
        scratch[T_SIZE] = size;
        scratch[T_BUY] = side == Side.BUY ? size : 0.0;
        scratch[T_SELL] = side == Side.SELL ? size : 0.0;
        p.trades.push(t, scratch, price);
        p.segmentHasTrade = true;
    }

    /** Processes a level-2 update; in contract v1 it only advances the product's clock. */
    public void onBookUpdate(String productId, long timeMicros) {
        if (timeMicros == EventTime.UNKNOWN) {
            return;
        }
        state(productId).clamp(timeMicros);
    }

    private void rejected(String reason) {
        rejections++;
        lastRejection = reason;
    }

    /** Events rejected so far, all reasons together. */
    public long rejections() {
        return rejections;
    }

    /** The reason code of the last rejected event, or null if none was rejected. */
    public String lastRejection() {
        return lastRejection;
    }

    /**
     * @return rejected events by reason code, in a stable order
     */
    public Map<String, Long> rejectedByReason() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(INVALID_QUOTE, invalidQuotes);
        m.put(INVALID_TRADE, invalidTrades);
        m.put(MISSING_TIME, missingTimes);
        m.values().removeIf(v -> v == 0);
        return m;
    }

    /** {@code (bidQty - askQty) / (bidQty + askQty)}, NaN when a size is missing or both are 0. */
    static double orderBookImbalance(double bidQty, double askQty) {
        if (!(bidQty >= 0 && askQty >= 0)
                || bidQty == Double.POSITIVE_INFINITY
                || askQty == Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        double total = bidQty + askQty;
        return total > 0 ? (bidQty - askQty) / total : Double.NaN;
    }

    private ProductState state(String productId) {
        // Streams are usually long runs of one product: skip the hash lookup for those.
        if (productId == lastProductId) {
            return lastProduct;
        }
        ProductState p = products.computeIfAbsent(productId, id -> new ProductState());
        lastProductId = productId;
        lastProduct = p;
        return p;
    }

    /** Window state of one product. */
    private static final class ProductState {
        final SlidingWindows quotes = new SlidingWindows(WINDOW_MICROS, QUOTE_QUANTITIES, 1024);
        final SlidingWindows trades = new SlidingWindows(WINDOW_MICROS, TRADE_QUANTITIES, 256);
        final long[] lagIndex = new long[LAG_MICROS.length];

        long lastTime = EventTime.UNKNOWN;
        boolean inSegment;
        long segmentStart;
        long prevQuoteTime;
        double prevMid;
        boolean segmentHasTrade;

        /** Applies the monotone clamp and records the event's time as the product's latest. */
        long clamp(long time) {
            if (time == EventTime.UNKNOWN || time < lastTime) {
                return lastTime;
            }
            lastTime = time;
            return time;
        }

        void startSegment(long t) {
            inSegment = true;
            segmentStart = t;
            segmentHasTrade = false;
            quotes.clear();
            trades.clear();
            // The segment's first quote is the next one pushed.
            java.util.Arrays.fill(lagIndex, quotes.tail());
        }
    }
}

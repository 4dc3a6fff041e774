package dev.cvd.ingest;

import dev.cvd.market.BookUpdate;
import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import dev.cvd.market.SegmentBreak;
import dev.cvd.market.Trade;

/**
 * Time shifts for playing recordings several times as one stream: each pass is shifted past the end
 * of the previous one by the span of the recordings plus a gap longer than the feature contract's
 * segment gap, so event time never runs backwards and every pass starts a new segment. Not
 * thread-safe: one per replay.
 */
public final class Passes {

    /** Between two passes: more than the segment gap G of 60 s. */
    public static final long GAP_MICROS = 61 * EventTime.MICROS_PER_SECOND;

    private long shift;
    private long first = Long.MAX_VALUE;
    private long last = Long.MIN_VALUE;

    /** The event as the current pass plays it; also records the span of event times seen. */
    public MarketEvent shift(MarketEvent e) {
        long t = e.timeMicros();
        if (t == EventTime.UNKNOWN) {
            return e;
        }
        first = Math.min(first, t);
        last = Math.max(last, t);
        return shift == 0 ? e : shifted(e, t + shift);
    }

    /** A listener that hands the events on to another as the current pass plays them. */
    public RecordingListener around(RecordingListener next) {
        return new RecordingListener() {
            @Override
            public void onEvent(MarketEvent event) {
                next.onEvent(shift(event));
            }

            @Override
            public void onIgnored(String reason) {
                next.onIgnored(reason);
            }

            @Override
            public void onRejected(String reason, String line) {
                next.onRejected(reason, line);
            }
        };
    }

    /**
     * Ends a pass: the next one starts after it.
     *
     * @return false if the pass had no event with a time (another pass would not move forward)
     */
    public boolean next() {
        if (first == Long.MAX_VALUE) {
            return false;
        }
        shift += last - first + GAP_MICROS;
        first = Long.MAX_VALUE;
        last = Long.MIN_VALUE;
        return true;
    }

    private static MarketEvent shifted(MarketEvent e, long t) {
        if (e instanceof Quote q) {
            return new Quote(q.productId(), t, q.bid(), q.bidQty(), q.ask(), q.askQty());
        }
        if (e instanceof Trade tr) {
            return new Trade(tr.productId(), t, tr.price(), tr.size(), tr.side());
        }
        if (e instanceof BookUpdate b) {
            return new BookUpdate(b.productId(), t, b.side(), b.price(), b.size());
        }
        return new SegmentBreak(e.productId(), t);
    }
}
